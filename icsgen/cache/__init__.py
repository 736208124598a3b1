"""Everything kept between builds in `.icsgen-cache/`: each output's inputs, page models, converted
Markdown and compiled templates. Only build/ and serve/ use it; a damaged or foreign file is ignored.
"""

from .documents import DocumentStore
from .files import read_store, remove_later, write_store
from .images import IMAGE_SUFFIXES, ImageProblem, ImageStore, read_problem
from .markdown import MarkdownCache
from .outputs import (
    CACHE_DIR,
    BuildCache,
    InputStates,
    OutputTable,
    code_fingerprint,
    decode_refs,
    file_stat,
    kept_for_reading,
    locked,
    refers_to,
    site_fingerprint,
    site_structure,
    stale_outputs,
)
from .pages import PageStore, restore_meta
from .templates import CodeRecorder, PrecompiledCode, TemplateCodeCache

__all__ = [
    "CACHE_DIR",
    "IMAGE_SUFFIXES",
    "BuildCache",
    "CodeRecorder",
    "DocumentStore",
    "ImageProblem",
    "ImageStore",
    "InputStates",
    "MarkdownCache",
    "OutputTable",
    "PageStore",
    "PrecompiledCode",
    "TemplateCodeCache",
    "code_fingerprint",
    "decode_refs",
    "file_stat",
    "kept_for_reading",
    "locked",
    "read_problem",
    "read_store",
    "refers_to",
    "remove_later",
    "restore_meta",
    "site_fingerprint",
    "site_structure",
    "stale_outputs",
    "write_store",
]
