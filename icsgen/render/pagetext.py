"""The `{{ }}` and `{% %}` that editors write in page bodies: what they show, and what they may cost.

A page body is Markdown with Jinja variables, filled in before the Markdown is converted. Three
promises hold for it:

* A value is shown as the characters it holds. It comes from settings or data files, which anyone
  editing the site can change, so a region name of `<script>...` or `[x](javascript:...)` must
  appear as that text, never as markup: each value is escaped for HTML and for Markdown (with
  character references, which work in Markdown text, link addresses and raw HTML alike).
* A value that is missing, empty or not text (a list, a mapping, `None`) is an error naming the
  page's line, not a Python repr or a gap ("Call us on ."). A page that means to allow an empty
  value says so: `{{ region.contact.phone | default('') }}`.
* One page cannot run for ever or fill the memory: page bodies run in Jinja's sandbox, loop rounds
  and macro calls are counted, every string or list made is capped, as are the numbers passed to
  functions that make something of that size (`range`, `center`...), and the page's time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence, Sized
from decimal import Decimal
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from icsgen.content import suspect

MAX_STEPS = 250_000  # loop rounds and macro calls in one page (ten times any real page needs)
MAX_SECONDS = 10.0  # time to fill in one page
MAX_TEXT = 1_000_000  # characters (or items) of any one value made, and of the filled-in page
MAX_MADE = 20_000_000  # characters made in all while filling in one page
MAX_COUNT = 100_000  # the largest size asked of range(), center(), batch() and the like
STEP, MADE, SHOWN = "icsgen-step", "icsgen-made", "icsgen-shown"  # the checks added, as filters no page can name
_BIG_WIDTH = re.compile(r"\d{5,}|%[-#0 +]*\*|%[-#0 +]*\d*\.\*|\{[^{}]*\{")  # a width of 10,000+ or one given later

# Characters that mean something to Markdown or HTML, as character references. Named ones where
# HTML has them: a '#' in a link address would start its #fragment before the reference is decoded.
_REFERENCES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\\": "&bsol;",
    "`": "&grave;", "*": "&ast;", "_": "&lowbar;", "[": "&lsqb;", "]": "&rsqb;", "(": "&lpar;",
    ")": "&rpar;", "!": "&excl;", "|": "&verbar;", "{": "&lcub;", "}": "&rcub;",
})
# What starts a block at the beginning of a line: a heading, a list item, a setext underline.
_LINE_START = re.compile(r"(?m)^[ \t]*(?:([#+=-])|(\d+)([.)]))")
_LINE_START_REFERENCES = {"#": "&num;", "+": "&plus;", "=": "&equals;", "-": "&#45;", ".": "&period;",
                          ")": "&rpar;"}
# C0 and C1 controls other than tab and newline, lone surrogates and U+FFFE/U+FFFF: not allowed in HTML or XML
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def markdown_text(text: str) -> str:
    """`text` written so that Markdown and HTML show exactly its characters (newlines stay soft breaks)."""
    if not text.isprintable():
        text = CONTROLS.sub("", text.replace("\r\n", "\n").replace("\t", " "))
        text = re.sub(r"\n[ ]+", "\n", text)  # indentation would start a code block
    text = text.translate(_REFERENCES)
    if text[:1] in "#+=-0123456789" or "\n" in text:
        text = _LINE_START.sub(_line_start, text)
    return text


def _line_start(match: re.Match[str]) -> str:
    mark, digits, after = match.groups()
    if mark:
        return match.group(0)[:-1] + _LINE_START_REFERENCES[mark]
    return match.group(0)[: -len(after)] + _LINE_START_REFERENCES[after] if digits else match.group(0)


class PageTextError(Exception):
    """A mistake in a page's `{{ }}` or `{% %}`, in words for the page's editor."""

    line = 0  # the line in the body, when the traceback cannot tell


class Chosen(str):
    """Text a page chose on purpose with `default(...)`: shown even when empty."""

    __slots__ = ()


def describe(value: Any) -> str:
    """What kind of value this is, in an editor's words."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"a yes/no value ({'true' if value else 'false'}), not text"
    if isinstance(value, Mapping):
        names = ", ".join(str(k) for k in list(value)[:4])
        return f"a group of named values ({names}), not text"
    if isinstance(value, Sequence | set | frozenset) and not isinstance(value, str):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}, not text"
    return "not text"


def _missing(value: Any) -> bool:
    return isinstance(value, jinja2.Undefined) or value is None or (isinstance(value, str) and not value.strip())


def default(value: Any, default_value: Any = "", boolean: bool = True) -> Any:
    """Jinja's `default`, also for a setting left empty (`phone:` or `phone: ""`), which is what a page
    means by it; what it gives is marked as chosen, so an empty default is shown without an error."""
    if _missing(value) or (boolean and not isinstance(value, str) and not value):
        return Chosen(default_value) if isinstance(default_value, str) else default_value
    return value


def _check(name: str, lineno: int, value: nodes.Expr, *args: nodes.Expr) -> nodes.Filter:
    """`value | name(args)` for one of the checks added to a page. A filter, not a call: in the sandbox
    every call goes through its checks, and a loop's round would cost several times as much."""
    return nodes.Filter(value, name, list(args), [], None, None, lineno=lineno)


def _name_of(node: nodes.Node) -> str:
    """The expression as an editor wrote it, for the simple cases (`region.contact.phone`), else ''."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _name_of(node.node)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _name_of(node.node)
        return f"{base}[{node.arg.value!r}]" if base else ""
    if isinstance(node, nodes.Filter) and node.node is not None:
        base = _name_of(node.node)
        return f"{base} | {node.name}" if base else ""
    return ""


class _Guard(NodeTransformer):
    """Adds the checks to a parsed page: every loop round and macro call counts a step (with the
    text it writes out), every `~` is measured, and every `{{ }}` goes through `shown`."""

    def _count(self, node: nodes.For | nodes.Macro | nodes.CallBlock) -> nodes.Node:
        self.generic_visit(node)
        literal = sum(len(d.data) for d in node.find_all(nodes.TemplateData))
        node.body.insert(0, nodes.ExprStmt(_check(STEP, node.lineno, nodes.Const(literal)), lineno=node.lineno))
        return node

    visit_For = visit_Macro = visit_CallBlock = _count

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _check(MADE, node.lineno, node)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [child if isinstance(child, nodes.TemplateData)
                      else _check(SHOWN, child.lineno, child, nodes.Const(_name_of(child)), nodes.Const(child.lineno))
                      for child in node.nodes]
        return node


class _Budget(threading.local):
    steps = 0
    made = 0
    deadline = 0.0
    line = 0  # of the last {{ }} shown
    suspect = False  # a value shown could be a refused address (`javascript:...`) if it is in a link


class PageTextEnvironment(SandboxedEnvironment):
    """The sandbox page bodies are filled in with, with the limits and the checks of this module."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
        self.budget = _Budget()
        self.compiled: dict[str, jinja2.Template] = {}  # by body text: shared pages are the same in every region
        for name in ("safe", "pprint", "tojson", "xmlattr", "urlize", "forceescape", "wordwrap"):
            self.filters.pop(name, None)  # markup, Python reprs, or sizes this module does not check
        self.filters = {name: self._checked_filter(name, f) for name, f in self.filters.items()}
        self.filters["default"] = self.filters["d"] = default
        step = self.step

        @jinja2.pass_context  # never worked out once when the page is compiled, as a filter of a constant would be
        def count_step(context: jinja2.runtime.Context, literal: int) -> None:
            step(literal)

        self.filters.update({STEP: count_step, MADE: self.made, SHOWN: self.shown})
        self.globals.pop("lipsum", None)
        self.globals["range"] = self._range

    # -- compiling and filling in -----------------------------------------------------------------

    def page_template(self, source: str) -> jinja2.Template:
        """The compiled page body, with the checks added (kept by text: most bodies with variables are
        the shared pages, the same in every region)."""
        template = self.compiled.get(source)
        if template is None:
            tree = _Guard().visit(self.parse(source))
            tree.set_environment(self)
            template = self.template_class.from_code(self, self.compile(tree, filename="<template>"),
                                                     self.make_globals(None), None)
            if len(self.compiled) > 1000:
                self.compiled.clear()
            self.compiled[source] = template
        return template

    def fill_in(self, source: str, **context: Any) -> str:
        """The body with its variables filled in; PageTextError (or Jinja's own) when it cannot be."""
        template = self.page_template(source)
        budget = self.budget
        budget.steps = budget.made = budget.line = 0
        budget.deadline = time.monotonic() + MAX_SECONDS
        parts = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_TEXT:
                error = PageTextError(f"the page would be more than {MAX_TEXT:,} characters long")
                error.line = budget.line  # the last {{ }} shown: nothing in the traceback is the page's
                raise error
            parts.append(chunk)
        return "".join(parts)

    # -- called from the compiled page ------------------------------------------------------------

    def step(self, literal: int) -> None:
        budget = self.budget
        budget.steps += 1
        budget.made += literal
        if budget.steps > MAX_STEPS:
            raise PageTextError(f"more than {MAX_STEPS:,} loop rounds and macro calls: a loop that does not end?")
        if budget.made > MAX_MADE:
            raise PageTextError(f"makes more than {MAX_MADE:,} characters of text")
        if not budget.steps & 1023 and time.monotonic() > budget.deadline:
            raise PageTextError(f"took more than {MAX_SECONDS:g} seconds to fill in")

    def made(self, value: Any) -> Any:
        """`value` once it is known not to be too large; its size counts towards the page's."""
        if isinstance(value, str | list | tuple):
            if len(value) > MAX_TEXT:
                raise PageTextError(f"makes a value of more than {MAX_TEXT:,} characters or items")
            budget = self.budget
            budget.made += len(value)
            if budget.made > MAX_MADE:
                raise PageTextError(f"makes more than {MAX_MADE:,} characters of text")
        return value

    def shown(self, value: Any, name: str = "", line: int = 0) -> str:
        """A `{{ }}` value as page text: checked, escaped, measured."""
        self.budget.line = line
        what = f"{{{{ {name} }}}}" if name else "a {{ }} value"
        if type(value) is str or type(value) is Chosen:
            text = value
        elif isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        elif isinstance(value, bool) or value is None or not isinstance(value, str | int | float | Decimal | dt.date):
            raise PageTextError(f"{what} is {describe(value)}" + _fix(value, name))
        else:
            text = str(value)
        if type(value) is not Chosen and not text.strip():
            raise PageTextError(f"{what} is empty" + _fix(value, name))
        if ":" in text and suspect(text):
            self.budget.suspect = True  # the page's links are looked at once it is rendered
        return self.made(markdown_text(text)) if text else text

    # -- the sandbox's hooks ----------------------------------------------------------------------

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and len(seq) * times > MAX_TEXT:
                    raise PageTextError(f"makes a value of more than {MAX_TEXT:,} characters or items")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and (
                    right > 10_000 or abs(left).bit_length() * right > 100_000):
                raise PageTextError("makes a number too large to show")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
        return self.made(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str | dt.date):
            if name in ("center", "ljust", "rjust", "zfill", "expandtabs"):
                _check_counts(name, args, kwargs)
            elif name == "strftime" and args:
                _check_format(args[0])
            elif name == "replace" and args and isinstance(__obj.__self__, str):
                _check_replace(__obj.__self__, *args[:2])
            elif name == "join" and args:
                args = (_joinable(__obj.__self__, args[0]), *args[1:])
        return __self.made(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """The sandbox's own `str.format`, once the format is known not to ask for a huge width."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    def _range(self, *args: int) -> range:
        _check_counts("range", args, {})
        made = range(*args)
        if len(made) > MAX_COUNT:
            raise PageTextError(f"range() of more than {MAX_COUNT:,} numbers")
        return made

    def _checked_filter(self, name: str, f: Callable[..., Any]) -> Callable[..., Any]:
        """A filter whose size arguments are checked before it runs, and whose result is measured."""
        env = self

        def checked(*args: Any, **kwargs: Any) -> Any:
            values = list(args)
            start = 1 if values and isinstance(values[0], jinja2.runtime.Context | jinja2.Environment
                                               | jinja2.nodes.EvalContext) else 0
            _check_counts(name, values[start + 1:], kwargs)
            if name == "format" and len(values) > start:
                _check_format(values[start])
            elif name == "replace" and len(values) > start + 2 and isinstance(values[start], str):
                _check_replace(values[start], values[start + 1], values[start + 2])
            elif name == "join" and len(values) > start:
                sep = values[start + 1] if len(values) > start + 1 else kwargs.get("d", "")
                values[start] = _joinable(sep if isinstance(sep, str) else "", values[start])
            return env.made(f(*values, **kwargs))

        for attribute in ("jinja_pass_arg",):
            if hasattr(f, attribute):
                setattr(checked, attribute, getattr(f, attribute))
        checked.__name__ = name
        return checked


def _fix(value: Any, name: str) -> str:
    """How to put it right, as the end of a message."""
    shown = name or "value"
    if value is None or isinstance(value, str):
        return (f": fill it in where it is set, or write {{{{ {shown} | default('') }}}} if the page "
                "should show nothing when it is empty")
    if isinstance(value, Mapping):
        first = next(iter(value), "name")
        return f": show one of its values, e.g. {{{{ {shown}.{first} }}}}"
    if isinstance(value, Sequence | set | frozenset) and not isinstance(value, str):
        return f": list its items with {{% for item in {shown} %}}...{{% endfor %}}"
    return ""


def _check_counts(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_COUNT:
            raise PageTextError(f"{name}() is given {value:,}; page text allows at most {MAX_COUNT:,}")


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and _BIG_WIDTH.search(fmt):
        raise PageTextError("a format with a width of 10,000 or more, or one given separately, "
                            "is not allowed in page text")


def _check_replace(text: str, old: Any, new: Any) -> None:
    if isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        if len(text) + count * (len(new) - len(old)) > MAX_TEXT:
            raise PageTextError(f"replace() would make a value of more than {MAX_TEXT:,} characters")


def _joinable(sep: str, items: Any) -> Any:
    """The items of a join, once the joined text is known not to be too long."""
    if not isinstance(items, Sized):
        items = list(itertools.islice(items, MAX_TEXT + 1))  # a generator (`| map(...)`) made here, at most so long
    if len(items) > MAX_TEXT or len(sep) * max(len(items) - 1, 0) > MAX_TEXT:
        raise PageTextError(f"join() would make a value of more than {MAX_TEXT:,} characters")
    return items
