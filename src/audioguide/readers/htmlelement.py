"""`HtmlElement`: lxml.html's element type, for the type checker.

lxml-stubs types lxml.etree but leaves lxml.html's element class out (`lxml.html.HtmlElement`
is `Any` there, and its parser returns plain `_Element`s). At run time `HtmlElement` is lxml's
own class; for mypy it is an `etree._Element` with the lxml.html methods the readers use, whose
children, parents and descendants are HtmlElements too. `html_tree` states that a tree built
by lxml.html is made of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml import etree

    class _HtmlChildren(etree.ElementChildIterator):
        def __iter__(self) -> _HtmlChildren: ...
        def __next__(self) -> HtmlElement: ...

    class HtmlElement(etree._Element):
        """lxml.html.HtmlElement, as far as the readers use it."""

        def __iter__(self) -> _HtmlChildren: ...
        def __getitem__(self, item: int) -> HtmlElement: ...
        def iter(self, tag: object = ..., *tags: object) -> Iterator[HtmlElement]: ...
        def iterancestors(self, tag: object = ..., *tags: object) -> Iterator[HtmlElement]: ...
        def iterchildren(self, tag: object = ..., *tags: object,
                         reversed: bool = False) -> Iterator[HtmlElement]: ...
        def getparent(self) -> HtmlElement | None: ...
        def text_content(self) -> str: ...
        def drop_tree(self) -> None: ...
        def drop_tag(self) -> None: ...
else:
    from lxml.html import HtmlElement


def html_tree(root: etree._Element) -> HtmlElement:
    """The root of a tree that lxml.html built (document_fromstring, fromstring, Element):
    every element in it is an HtmlElement, which lxml-stubs cannot say."""
    return cast("HtmlElement", root)


def xpath_elements(element: etree._Element, path: str) -> list[HtmlElement]:
    """The elements an XPath expression selects under an element of an HTML tree."""
    from lxml import etree

    found = element.xpath(path)
    return [cast("HtmlElement", node) for node in found if isinstance(node, etree._Element)] \
        if isinstance(found, list) else []


def xpath_texts(element: etree._Element, path: str) -> list[str]:
    """The strings (text nodes, attribute values) an XPath expression selects."""
    found = element.xpath(path)
    return [str(node) for node in found if isinstance(node, str)] \
        if isinstance(found, list) else []
