"""What a page says about itself when shared or read by a machine: Open Graph and Twitter card values,
and schema.org JSON-LD.

Link previews (Facebook, LinkedIn, Teams, Slack, WhatsApp, X) read Open Graph tags; search engines
read JSON-LD. Both need absolute addresses, which come from the site's or the region's `base_url`
(always an absolute http(s) address: the settings refuse anything else). The share image is the
page's own (`image:` in its front matter, a file beside the page or in the region's folder, or an
https address), else the region's (`image:` in regions.yaml).

JSON-LD: the region as a `GovernmentOrganization` (with `parentOrganization` from `part_of`, such as
Leeds within the West Yorkshire Integrated Care System), a `NewsArticle` for news (headline, dates,
author, image, publisher), a `BreadcrumbList` for pages below the home page, and a `WebSite` for the
hub. Property choices follow Google's documented structured data guidelines for Article,
BreadcrumbList and Organization.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from icsgen.content import Page, Site, image_candidates, share_image

from .urls import Linker

_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
HEADLINE_LIMIT = 110  # Google shows no more of an article's headline
# words that make an `author:` an organisation (a team, an office) rather than a person
_ORGANISATION_WORDS = re.compile(r"\b(team|nhs|icb|ics|board|office|partnership|service|services|department|unit|"
                                 r"group|council|trust|communications|committee|network|hub)\b", re.IGNORECASE)


def share_card(page: Page, site: Site, linker: Linker, read: set[str], summary: str) -> dict[str, str] | None:
    """Open Graph and Twitter card values for a page; None for a page not to be shared (404 pages).

    `read` gets the site paths the card depends on (the render's `Deps.urls`): the image, and where an
    image would be looked for, so adding or removing the file renders the page again."""
    if page.kind == "404":
        return None
    region = site.regions.get(page.region)
    image = share_image(site, page)
    card = {
        "type": "article" if page.kind == "news" else "website",
        "title": page.meta.title,
        "description": summary,
        "url": linker.absolute(page.url),
        "site_name": region.config.name if region is not None else site.config.title,
        "locale": site.config.language.replace("-", "_"),
        "image": "",
        "image_alt": "",
        "published": page.meta.date.isoformat() if page.kind == "news" and page.meta.date else "",
        "modified": (page.meta.updated or page.meta.date).isoformat()
        if page.kind == "news" and (page.meta.updated or page.meta.date) else "",
        "author": page.meta.author if page.kind == "news" else "",
    }
    if image is not None:
        card["image"] = image.url if image.absolute else linker.absolute(image.url)
        card["image_alt"] = image.alt
        if not image.absolute:
            read.add(image.url)
    read.update(_candidate_urls(site, page))
    return card


def _candidate_urls(site: Site, page: Page) -> list[str]:
    region = site.regions.get(page.region)
    urls = []
    for written, owner in ((page.meta.image, page), (region.config.image if region else "", None)):
        if written and not _ABSOLUTE.match(written):
            urls += [site.statics[key].url if key in site.statics else key
                     for key in image_candidates(owner, page.region, written)]
    return urls


def _author(name: str) -> dict[str, str]:
    return {"@type": "Organization" if _ORGANISATION_WORDS.search(name) else "Person", "name": name}


def structured_data(page: Page, site: Site, linker: Linker, card: dict[str, str] | None,
                    crumbs: list[dict[str, str]]) -> str:
    """The page's JSON-LD, ready for a `<script type="application/ld+json">` ('' when there is none).

    `crumbs` are the page's breadcrumbs (relative links, as the theme shows them), made absolute here.
    """
    if card is None:
        return ""
    graph: list[dict[str, Any]] = []
    if page.kind == "hub" or page.region not in site.regions:
        graph.append({"@type": "WebSite", "name": site.config.title, "url": linker.absolute(""),
                      "inLanguage": site.config.language})
        return _script({"@context": "https://schema.org", "@graph": graph})
    config = site.regions[page.region].config
    home = linker.absolute(f"{page.region}/")
    organisation: dict[str, Any] = {"@type": "GovernmentOrganization", "@id": home + "#organization",
                                    "name": config.name, "url": home}
    if config.short_name and config.short_name != config.name:
        organisation["alternateName"] = config.short_name
    if config.description:
        organisation["description"] = config.description
    if config.contact.email:
        organisation["email"] = config.contact.email
    if config.contact.phone:
        organisation["telephone"] = config.contact.phone
    if config.contact.address:
        organisation["address"] = config.contact.address
    parent = config.part_of or (config.owner if config.owner and config.owner != config.name else "")
    if parent:
        organisation["parentOrganization"] = {"@type": "GovernmentOrganization", "name": parent}
    if config.short_name:
        organisation["areaServed"] = {"@type": "AdministrativeArea", "name": config.short_name}
    graph.append(organisation)
    url = card["url"]
    if page.kind == "news":
        article: dict[str, Any] = {
            "@type": "NewsArticle",
            "headline": _headline(page.meta.title),
            "url": url,
            "mainEntityOfPage": url,
            "inLanguage": site.config.language,
            "author": [_author(page.meta.author) if page.meta.author else
                       {"@type": "Organization", "name": config.owner or config.name, "url": home}],
            "publisher": {"@id": organisation["@id"]},
        }
        if page.meta.date:
            article["datePublished"] = page.meta.date.isoformat()
            article["dateModified"] = (page.meta.updated or page.meta.date).isoformat()
        if card["description"]:
            article["description"] = card["description"]
        if card["image"]:
            article["image"] = [card["image"]]
        graph.append(article)
    if crumbs:
        items = [{"@type": "ListItem", "position": n, "name": crumb["title"],
                  "item": _absolute_link(url, crumb["url"])} for n, crumb in enumerate(crumbs, 1)]
        items.append({"@type": "ListItem", "position": len(items) + 1, "name": page.meta.nav_title or page.meta.title,
                      "item": url})
        graph.append({"@type": "BreadcrumbList", "itemListElement": items})
    return _script({"@context": "https://schema.org", "@graph": graph})


def _headline(title: str) -> str:
    return title if len(title) <= HEADLINE_LIMIT else title[: HEADLINE_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def _absolute_link(page_url: str, href: str) -> str:
    """A relative link written in the page at absolute address `page_url`, as an absolute address."""
    if _ABSOLUTE.match(href):
        target = href
    else:
        host_end = page_url.find("/", page_url.find("//") + 2)
        host, path = page_url[:host_end], page_url[host_end:]
        folder = path if path.endswith("/") else posixpath.dirname(path) + "/"
        joined = posixpath.normpath(posixpath.join(folder, href))
        target = host + joined + ("/" if href.endswith("/") or href in (".", "./") else "")
    return target[: -len("index.html")] if target.endswith("/index.html") else target


def _script(data: dict[str, Any]) -> str:
    """JSON that cannot end the script element early, whatever the settings hold: `<`, `>` and `&`
    are written as escapes, which JSON reads as the same characters."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
