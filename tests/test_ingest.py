import json
from pathlib import Path

import pytest

from hardneg_haystack.errors import DataError
from hardneg_haystack.ingest import (
    convert_folder,
    load_beir_queries,
    load_documents,
    load_queries_jsonl,
    read_records_file,
    split_long_documents,
)
from hardneg_haystack.ingest.split import LongDocumentSplitter


def test_beir_folder(beir_dir: Path) -> None:
    docs = load_documents(beir_dir)
    assert len(docs) == 8 and docs[0].id == "it-1"
    assert docs[0].content.startswith("Reset your VPN token\n")
    assert docs[0].meta["title"] == "Reset your VPN token"
    train = load_beir_queries(beir_dir, "train")
    assert {q.id: q.positive_ids for q in train} == {"q1": ("it-1",), "q2": ("hr-1",)}


def test_missing_qrels_split_names_the_file(beir_dir: Path) -> None:
    with pytest.raises(DataError, match=r"dev\.tsv.*available: \['test', 'train'\]"):
        load_beir_queries(beir_dir, "dev")


def test_malformed_jsonl_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": broken}\n')
    with pytest.raises(DataError, match=r"docs\.jsonl:2: malformed JSON"):
        read_records_file(path)


def test_duplicate_ids_are_named(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n')
    with pytest.raises(DataError, match=r"docs\.jsonl:2: duplicate document id 'a' \(first seen on line 1\)"):
        read_records_file(path)


def test_empty_documents_are_named_or_skipped(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "one"}\n{"id": "b", "text": "  "}\n')
    with pytest.raises(DataError, match=r"docs\.jsonl:2: document 'b' is empty"):
        read_records_file(path)
    assert [d.id for d in read_records_file(path, skip_empty=True)] == ["a"]


def test_missing_file() -> None:
    with pytest.raises(DataError, match="no such file"):
        load_documents("/nonexistent/corpus.jsonl")


def test_csv_documents_with_custom_fields(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    path.write_text("key,body,team\nk1,Reset the VPN token,it\nk2,Parental leave,hr\n")
    docs = read_records_file(path, id_field="key", text_field="body")
    assert [(d.id, d.content, d.meta["team"]) for d in docs] == [
        ("k1", "Reset the VPN token", "it"),
        ("k2", "Parental leave", "hr"),
    ]


def test_malformed_csv_is_one_error_naming_the_line(tmp_path: Path) -> None:
    """Issue 30 item 6: an unclosed quote does not merge the rows after it into one document."""
    path = tmp_path / "docs.csv"
    path.write_text('id,text\nk1,"Reset the VPN token\nk2,Parental leave\nk3,Printer\n')
    with pytest.raises(DataError, match=r"docs\.csv:2: malformed CSV .*never closed"):
        read_records_file(path)
    path.write_text("id,text\nk1,Reset the VPN token\nk2,Parental leave,hr\n")
    with pytest.raises(DataError, match=r"docs\.csv:3: 3 fields where the header has 2"):
        read_records_file(path)
    path.write_text('id,text\nk1,"Reset the\nVPN token"\n\nk2,Parental leave\n')  # quoted newline, blank line: fine
    assert [(d.id, d.content) for d in read_records_file(path)] == [
        ("k1", "Reset the\nVPN token"),
        ("k2", "Parental leave"),
    ]


def test_folder_of_files_strips_html_boilerplate(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><body><nav><a href='/'>Home</a> | <a href='/it'>IT</a> | <a href='/hr'>HR</a></nav>"
        "<div class='cookie'>We use cookies to improve your experience. Accept all cookies.</div>"
        "<article><h1>Resetting your VPN token</h1><p>"
        + "Open the self-service portal and choose Reset token. "
        * 8
        + "</p><p>Scan the new QR code with the authenticator app on your new phone.</p></article>"
        "<footer>Copyright 2026 Northwind. Privacy. Terms. Imprint.</footer></body></html>"
    )
    (tmp_path / "note.txt").write_text("Printers   are\n\n\nconfigured by IT.")
    (tmp_path / "guide.md").write_text("# Sync\n\nSelective **sync** keeps folders offline.")
    docs = {d.id: d for d in convert_folder(tmp_path)}
    assert set(docs) == {"page.html", "note.txt", "guide.md"}
    html = docs["page.html"].content
    assert "self-service portal" in html and "authenticator app" in html
    assert "Privacy. Terms" not in html
    assert docs["note.txt"].content == "Printers are configured by IT."
    assert "**" not in docs["guide.md"].content


def test_long_documents_are_split_with_parent_ids() -> None:
    from haystack import Document

    long_doc = Document(id="policy", content=" ".join(f"w{i}" for i in range(250)))
    short = Document(id="faq", content="short text here")
    out = split_long_documents([long_doc, short], max_words=100, split_overlap=10)
    chunks = [d for d in out if d.meta["parent_id"] == "policy"]
    assert [d.id for d in chunks] == ["policy#0", "policy#1", "policy#2"]
    assert all(d.meta["doc_length"] == 250 for d in chunks)
    assert [d.meta["chunk"] for d in chunks] == [0, 1, 2]
    assert chunks[1].content.split()[0] == "w90"  # 10 words of overlap
    faq = next(d for d in out if d.id == "faq")
    assert faq.meta == {"parent_id": "faq", "doc_length": 3, "chunk": 0, "length": 3}
    assert LongDocumentSplitter(max_words=0).run(documents=[long_doc])["documents"][0].id == "policy"


def test_queries_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "q1", "text": "vpn", "positive_ids": ["it-1"]}) + "\n")
    assert load_queries_jsonl(path)[0].positive_ids == ("it-1",)
    path.write_text(json.dumps({"id": "q1", "text": "vpn"}) + "\n")
    with pytest.raises(DataError, match=r"q\.jsonl:1: missing field 'positive_ids'"):
        load_queries_jsonl(path)


def test_packaged_sample_corpus_is_complete_and_html_is_cleaned() -> None:
    from hardneg_haystack.ingest import load_beir_queries, load_documents
    from hardneg_haystack.ingest.sample import sample_corpus_path

    kb = sample_corpus_path()
    docs = load_documents(kb)
    ids = {d.id for d in docs}
    assert len(docs) >= 150
    assert sum(len((d.content or "").split()) > 800 for d in docs) >= 15
    queries = load_beir_queries(kb, "train") + load_beir_queries(kb, "test")
    assert len(queries) >= 80
    assert all(set(q.positive_ids) <= ids for q in queries)
    assert not {q.id for q in load_beir_queries(kb, "train")} & {q.id for q in load_beir_queries(kb, "test")}

    pages = load_documents(kb / "html")
    assert len(pages) >= 20
    for page in pages:
        text = page.content or ""
        assert "Cookie settings" not in text and "strictly necessary cookies" not in text.lower()
        assert len(text.split()) > 40  # the article itself survives


def test_non_utf8_input_names_the_file_line_and_column(tmp_path: Path) -> None:
    """Issue 16: a Latin-1 byte used to give 'a file is not UTF-8 text (... at byte 27)', naming no file."""
    from hardneg_haystack.ingest.queries import read_qrels

    good = json.dumps({"_id": "a", "text": "plain"}) + "\n"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(good.encode() + good.replace('"a"', '"b"').encode() + b'{"_id": "c", "text": "caf\xe9"}\n')
    with pytest.raises(DataError, match=r"corpus\.jsonl:3: not UTF-8 text \(byte 0xe9 at column 26"):
        load_documents(corpus)
    table = tmp_path / "docs.csv"
    table.write_bytes(b"id,text\nd1,fine\nd2,na\xefve\n")
    with pytest.raises(DataError, match=r"docs\.csv:3: not UTF-8 text \(byte 0xef at column 6"):
        read_records_file(table)
    qrels = tmp_path / "test.tsv"
    qrels.write_bytes(b"query-id\tcorpus-id\tscore\nq\xff\td1\t1\n")
    with pytest.raises(DataError, match=r"test\.tsv:2: not UTF-8 text \(byte 0xff at column 2"):
        read_qrels(qrels)
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + good.encode())  # a UTF-8 file with a byte-order mark still reads
    assert [d.id for d in load_documents(bom)] == ["a"]
