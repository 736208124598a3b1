# Sourced by setup.sh and test.sh: the one place that picks the Python interpreter (sets PY).
# $PYTHON wins, then an active virtualenv, then python3 on PATH.
if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -n "${VIRTUAL_ENV:-}" && -x "$VIRTUAL_ENV/bin/python" ]]; then
    PY="$VIRTUAL_ENV/bin/python"
else
    PY="$(command -v python3)"
fi
