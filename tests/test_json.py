from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import jsonschema
import pytest

from docpub.config import UrlTemplates
from docpub.model import (
    Annex,
    BlockQuote,
    BulletList,
    Code,
    Document,
    Emphasis,
    Image,
    LineBreak,
    Link,
    ListItem,
    Meta,
    OrderedList,
    Paragraph,
    Section,
    Signature,
    Strong,
    Text,
)
from docpub.transforms.citations import link_citations
from docpub.writers.json import model_to_dict, model_to_json


def schema() -> dict[str, Any]:
    text = resources.files("docpub").joinpath("schema/document.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(data: object) -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    validator.validate(data)


def full_doc() -> Document:
    meta = Meta(
        title="比利时担任安全理事会轮值主席期间安全理事会工作评估", date=date(2020, 11, 30),
        letter_date=date(2020, 11, 9), period="2020-02", original_language="English",
        links=(("S/2020/95", "https://example.org/95"),),
    )
    para = Paragraph((
        Text("2月28日，安理会通过了第2512(2020)号决议"), Emphasis((Text("并"),)),
        Strong((Text("发表谈话(SC/14128)"),)), LineBreak(), Code("x"),
        Link((Text("链接"),), "https://example.org/", "t"), Image("a.png", "图"),
        Text("，见S/2020/95。"),
    ), "p1")
    lists = (
        BulletList((ListItem((Paragraph((Text("S/2020/139"),), "p2"),)),)),
        OrderedList((ListItem((BlockQuote((Paragraph((Text("第2512(2020)号决议"),), "p3"),)),)),), start=3),
    )
    section = Section(2, (Text("非洲"),), "非洲", blocks=(para, *lists),
                      subsections=(Section(3, (Text("布隆迪"),), "布隆迪", explicit_id=True),))
    annex = Annex((Text("附件"),), (Text("评估"),), sections=(section,))
    body = (Paragraph((Text("谨随函转递。"),), "p0"), Signature(((Text("大使"),), (Text("签名"),))))
    doc = Document("assessment", "zh-Hans", meta, body=body, annex=annex, source="/tmp/x.md")
    return link_citations(doc, urls=UrlTemplates())


def test_schema_validates_a_full_document() -> None:
    validate(model_to_dict(full_doc()))


def test_schema_validates_a_minimal_document() -> None:
    validate(model_to_dict(Document("d", "zh-Hans", Meta("t", date(2020, 1, 1)))))


def test_shape() -> None:
    data = model_to_dict(full_doc())
    assert data["type"] == "document"
    assert "source" not in data
    assert data["meta"]["date"] == "2020-11-30"
    assert data["meta"]["letter_date"] == "2020-11-09"
    assert data["meta"]["links"] == [{"symbol": "S/2020/95", "url": "https://example.org/95"}]
    assert data["body"][1] == {"type": "signature", "lines": [
        [{"type": "text", "text": "大使"}], [{"type": "text", "text": "签名"}]]}
    inlines = data["annex"]["sections"][0]["blocks"][0]["inlines"]
    assert inlines[1] == {
        "type": "citation", "symbol": "S/RES/2512 (2020)", "kind": "resolution",
        "url": "https://undocs.org/zh/S/RES/2512(2020)", "pinpoint": "", "site_href": "",
        "children": [{"type": "text", "text": "第2512(2020)号决议"}],
    }


def test_citations_list() -> None:
    assert model_to_dict(full_doc())["citations"] == [
        {"symbol": "S/RES/2512 (2020)", "kind": "resolution", "count": 2,
         "url": "https://undocs.org/zh/S/RES/2512(2020)", "paragraph_ids": ["p1", "p3"]},
        {"symbol": "SC/14128", "kind": "press_release", "count": 1,
         "url": "https://press.un.org/en/2020/sc14128.doc.htm", "paragraph_ids": ["p1"]},
        {"symbol": "S/2020/95", "kind": "document", "count": 1,
         "url": "https://example.org/95", "paragraph_ids": ["p1"]},
        {"symbol": "S/2020/139", "kind": "document", "count": 1,
         "url": "https://undocs.org/zh/S/2020/139", "paragraph_ids": ["p2"]},
    ]


def test_json_text_is_deterministic() -> None:
    text = model_to_json(full_doc())
    assert text == model_to_json(full_doc())
    assert text.endswith("}\n")
    assert "第2512(2020)号决议" in text  # not \\u escapes
    assert json.loads(text) == model_to_dict(full_doc())


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(extra=1),
        lambda d: d["meta"].update(date="30 November 2020"),
        lambda d: d["citations"][0].update(kind="letter"),
        lambda d: d["annex"]["sections"][0]["blocks"][0]["inlines"].append({"type": "text"}),
        lambda d: d["body"].append({"type": "heading", "text": "x"}),
    ],
)
def test_schema_rejects_malformed(breakage: Any) -> None:
    data = model_to_dict(full_doc())
    breakage(data)
    with pytest.raises(jsonschema.ValidationError):
        validate(data)
