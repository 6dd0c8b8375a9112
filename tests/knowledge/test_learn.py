"""`mailwarden learn`, then `scan --db` and `forget`: learning from an archive, and its profile.

The scenario: a force's sent and received mail, exported as an mbox (the officer's
exchange with Greenfield School about case AB/25/0093 and the pupil Ellie Marsh) and a
Maildir (Mr Patel's messages about his car, case AB/25/0071). The store learned from
them knows whom each case and person was discussed with, and the scan uses it.
"""

from __future__ import annotations

import json
import mailbox
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailwarden.config import Config, config_from_dict, load_config
from mailwarden.detect import nlp
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.person import PersonRecognizer
from mailwarden.knowledge.features import Keyer, features_of, normalise
from mailwarden.knowledge.keyfile import load_or_create_key
from mailwarden.knowledge.learn import Learner, learn_paths, quick_parse
from mailwarden.knowledge.model import FeatureKind
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.message.model import Message
from mailwarden.message.parse import ParseLimits, parse_message
from mailwarden.message.readers import InputFormat, InputItem
from mailwarden.scan import Scanner

DOMAIN = "example.police.uk"
HOLLOWAY = "j.holloway@example.police.uk"
SCHOOL = "safeguarding@greenfield.sch.uk"
PATEL = "r.patel@gmail.com"

TO_SCHOOL = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Greenfield Safeguarding" <{SCHOOL}>
Subject: Ellie Marsh - AB/25/0093
Date: Mon, 03 Mar 2025 09:00:00 +0000
Message-ID: <school-1@example.police.uk>

Dear colleague,

I am the officer in case AB/25/0093. Ellie Marsh was named by two pupils in the
incident on Friday. Could you send me the school's report?

Kind regards
Jane Holloway
"""

SCHOOL_REPLY = f"""\
From: "Greenfield Safeguarding" <{SCHOOL}>
To: "PC Jane Holloway" <{HOLLOWAY}>
Subject: RE: Ellie Marsh - AB/25/0093
Date: Mon, 03 Mar 2025 14:30:00 +0000
Message-ID: <reply-9@greenfield.sch.uk>
In-Reply-To: <school-1@example.police.uk>

Our report on Ellie Marsh for AB/25/0093 is on its way.
"""

FROM_PATEL = f"""\
From: "Rakesh Patel" <{PATEL}>
To: "PC Jane Holloway" <{HOLLOWAY}>
Subject: Damage to my car
Date: Tue, 04 Mar 2025 08:10:00 +0000
Message-ID: <CAF123@mail.gmail.com>

Any news on crime reference AB/25/0071? The car is still at the garage.
"""

TO_PATEL = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Rakesh Patel" <{PATEL}>
Subject: RE: Damage to my car
Date: Tue, 04 Mar 2025 11:00:00 +0000
Message-ID: <patel-2@example.police.uk>
In-Reply-To: <CAF123@mail.gmail.com>

Dear Mr Patel, crime AB/25/0071 is with the investigating team.
"""

WRONG_REPLY = f"""\
From: "PC Jane Holloway" <{HOLLOWAY}>
To: "Rakesh Patel" <{PATEL}>
Subject: RE: Damage to my car
Date: Wed, 05 Mar 2025 16:45:00 +0000
Message-ID: <patel-3@example.police.uk>
In-Reply-To: <patel-2@example.police.uk>
References: <CAF123@mail.gmail.com> <patel-2@example.police.uk>

Hello,

Update on AB/25/0093: Ellie Marsh and the other pupils were spoken to today.

Jane Holloway
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailwarden", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
    )


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """The officer's school exchange as an mbox, Mr Patel's as a Maildir."""
    sent = mailbox.mbox(tmp_path / "school.mbox")
    for raw in (TO_SCHOOL, SCHOOL_REPLY):
        sent.add(raw)
    sent.close()
    folder = mailbox.Maildir(tmp_path / "Patel")
    for raw in (FROM_PATEL, TO_PATEL):
        folder.add(raw)
    return tmp_path / "school.mbox", tmp_path / "Patel"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "mailwarden.toml"
    path.write_text(
        f'[organisation]\ndomains = ["{DOMAIN}"]\n\n[knowledge]\nkey_file = "secret/store.key"\n'
    )
    return path


def open_store(config: Config, url: str) -> KnowledgeStore:
    keyer = Keyer(load_or_create_key(config.knowledge.key_file))
    return KnowledgeStore.open(url, keyer, config.organisation.domains)


def key(store: KnowledgeStore, kind: FeatureKind, text: str) -> str:
    return store.keyer.key(kind, normalise(kind, text))


# ---- the command line ---------------------------------------------------------------------


def test_learn_an_mbox_and_a_maildir_then_scan_against_what_was_learned(
    tmp_path: Path, archive: tuple[Path, Path], config_file: Path, scanner: Scanner
) -> None:
    url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    mbox, maildir = archive

    first = run(
        "learn", "--config", str(config_file), "--db", url, str(mbox), str(maildir), cwd=tmp_path
    )
    again = run("learn", "--config", str(config_file), "--db", url, str(maildir), cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert first.stdout == "learned 4 messages, 0 already learned, 0 unreadable\n"
    assert again.returncode == 0, again.stderr
    assert again.stdout == "learned 0 messages, 2 already learned, 0 unreadable\n"
    assert (tmp_path / "secret" / "store.key").stat().st_size == 32

    config = load_config(config_file)
    with open_store(config, url) as store:
        report = scanner.scan_bytes(WRONG_REPLY.encode())
        known = store.knowledge_for(
            report.message, features_of(report.message, report.findings, store.keyer)
        )
        ellie = known.history(key(store, FeatureKind.PERSON, "Ellie Marsh"))
        assert ellie is not None and ellie.correspondents == {HOLLOWAY, SCHOOL}
        assert known.thread is not None and known.thread.participants == {HOLLOWAY, PATEL}

    wrong = tmp_path / "wrong.eml"
    wrong.write_text(WRONG_REPLY)
    judged = run(
        "scan", "--json", "--config", str(config_file), "--db", url, str(wrong), cwd=tmp_path
    )
    unjudged = run("scan", "--json", "--config", str(config_file), str(wrong), cwd=tmp_path)

    assert judged.returncode in (0, 1) and "Traceback" not in judged.stderr, judged.stderr
    with_store, without = (json.loads(r.stdout) for r in (judged, unjudged))
    assert with_store["errors"] == []
    assert _rules_for(with_store, PATEL) != _rules_for(without, PATEL)


def test_forget_a_person_and_an_address_from_the_command_line(
    tmp_path: Path, archive: tuple[Path, Path], config_file: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    run("learn", "--config", str(config_file), "--db", url, *map(str, archive), cwd=tmp_path)

    person = run(
        "forget", "--config", str(config_file), "--db", url, "--person", "Ellie Marsh", cwd=tmp_path
    )
    address = run(
        "forget", "--config", str(config_file), "--db", url, "--address", PATEL, cwd=tmp_path
    )
    expired = run("forget", "--config", str(config_file), "--db", url, "--expired", cwd=tmp_path)

    assert person.returncode == 0, person.stderr
    assert person.stdout.startswith("forgot the person 'Ellie Marsh': 2 associations")
    assert address.returncode == 0 and address.stdout.startswith(f"forgot {PATEL}: ")
    assert "1 correspondents" in address.stdout
    assert expired.returncode == 0
    assert expired.stdout.startswith("forgot what was not seen for 730 days: ")
    with open_store(load_config(config_file), url) as store:
        assert store.stats().correspondents == 2  # the officer and the school


def test_the_store_named_in_the_config_serves_learn_and_scan_without_db(
    tmp_path: Path, archive: tuple[Path, Path]
) -> None:
    config = tmp_path / "org.toml"
    config.write_text(
        f'[organisation]\ndomains = ["{DOMAIN}"]\n\n[knowledge]\nurl = "sqlite:///{tmp_path}/k.db"\n'
    )
    wrong = tmp_path / "wrong.eml"
    wrong.write_text(WRONG_REPLY)

    learned = run(
        "learn", "--config", str(config), "--workers", "1", *map(str, archive), cwd=tmp_path
    )
    scanned = run("scan", "--json", "--config", str(config), str(wrong), cwd=tmp_path)

    assert learned.stdout == "learned 4 messages, 0 already learned, 0 unreadable\n"
    assert (tmp_path / "k.db").is_file() and (tmp_path / "mailwarden.key").is_file()
    assert scanned.returncode in (0, 1) and json.loads(scanned.stdout)["errors"] == []
    storeless = tmp_path / "storeless.toml"
    storeless.write_text(f'[organisation]\ndomains = ["{DOMAIN}"]\n')
    unjudged = run("scan", "--json", "--config", str(storeless), str(wrong), cwd=tmp_path)
    assert _rules_for(json.loads(scanned.stdout), PATEL) != _rules_for(
        json.loads(unjudged.stdout), PATEL
    )


def test_an_unreadable_message_is_counted_and_named_and_the_rest_learned(
    tmp_path: Path, config_file: Path
) -> None:
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "a.eml").write_text(TO_SCHOOL)
    (folder / "b.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated")
    (folder / "c.eml").write_text(FROM_PATEL)

    result = run(
        "learn", "--config", str(config_file), "--db", "store.db", str(folder), cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "learned 2 messages, 0 already learned, 1 unreadable\n"
    assert result.stderr.strip().endswith("b.msg")
    assert (tmp_path / "store.db").is_file()  # a plain path is a SQLite file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["learn", "--config", "{config}", "{mbox}"], "no knowledge store: give --db URL"),
        (["forget", "--config", "{config}", "--person", "X Y"], "no knowledge store"),
        (["forget", "--db", "s.db"], "forget what?"),
        (["learn", "--db", "s.db", "{mbox}"], "learning needs the organisation's domains"),
        (["learn", "--config", "{config}", "--db", "s.db", "/no/such.mbox"], "no such file"),
        (
            ["learn", "--config", "{config}", "--db", "mysql://h/db", "{mbox}"],
            "unsupported database",
        ),
        (
            ["scan", "--db", "postgresql://nobody@127.0.0.1:1/x", "{mbox}"],
            "cannot open the knowledge store",
        ),
    ],
)
def test_usage_errors_exit_two_with_one_line(
    tmp_path: Path, archive: tuple[Path, Path], config_file: Path, args: list[str], message: str
) -> None:
    filled = [a.format(config=config_file, mbox=archive[0]) for a in args]
    result = run(*filled, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# ---- the learning profile -----------------------------------------------------------------


@pytest.fixture
def config() -> Config:
    return config_from_dict({"organisation": {"domains": [DOMAIN]}})


def test_learning_keys_what_a_scan_keys(config: Config, scanner: Scanner, keyer: Keyer) -> None:
    learner = Learner(config, keyer)
    for raw in (TO_SCHOOL, SCHOOL_REPLY, FROM_PATEL, TO_PATEL, WRONG_REPLY):
        learned = learner.learnable(InputItem("x.eml", raw.encode(), InputFormat.RFC822))
        report = scanner.scan_bytes(raw.encode())
        scanned = features_of(report.message, report.findings, keyer)
        assert learned is not None
        assert learned.features.keys == scanned.keys
        assert all(f.label == "" for f in learned.features.features)  # no plain text travels


def test_person_without_the_model_keeps_the_names_its_rules_decide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[object] = []

    def model(chunks: object) -> list[tuple[()]]:
        asked.append(chunks)
        return [() for _ in chunks]  # type: ignore[attr-defined]

    monkeypatch.setattr(nlp, "entities", model)
    text = "Ellie Marsh told Patel about the fight near Chelsea."

    rules_only = PersonRecognizer(use_model=False).analyze(text, TextContext())
    assert [text[m.start : m.end] for m in rules_only] == ["Ellie Marsh"]
    assert asked == []
    list(PersonRecognizer().analyze(text, TextContext()))
    assert asked  # the default still asks the model about "Patel" and "Chelsea"


def test_attachments_are_read_only_when_asked(config: Config, keyer: Keyer) -> None:
    message = EmailMessage()
    message["From"] = HOLLOWAY
    message["To"] = SCHOOL
    message["Subject"] = "Notes"
    message["Message-ID"] = "<notes-1@example.police.uk>"
    message.set_content("Notes attached.")
    message.add_attachment(
        b"Pupil: Ellie Marsh\n", maintype="text", subtype="plain", filename="n.txt"
    )
    item = InputItem("notes.eml", message.as_bytes(), InputFormat.RFC822)
    ellie = keyer.key(FeatureKind.PERSON, normalise(FeatureKind.PERSON, "Ellie Marsh"))

    bodies = Learner(config, keyer).learnable(item)
    everything = Learner(config, keyer, attachments=True).learnable(item)

    assert bodies is not None and everything is not None
    assert ellie not in bodies.features.keys
    assert ellie in everything.features.keys
    kinds = {f.kind for f in bodies.features.features}
    assert kinds == {FeatureKind.ATTACHMENT}  # the file's fingerprint, whatever is read


def test_worker_processes_learn_what_one_process_learns(
    tmp_path: Path, config: Config, keyer: Keyer
) -> None:
    box = mailbox.mbox(tmp_path / "many.mbox")
    for n in range(60):
        box.add(
            TO_SCHOOL.replace("school-1@", f"school-{n}@").replace("0093", f"{n + 100:04d}")
            if n % 2
            else FROM_PATEL.replace("CAF123@", f"CAF{n}@")
        )
    box.close()
    stores = []
    for workers in (1, 2):
        store = KnowledgeStore.open(f"sqlite:///{tmp_path / f'w{workers}.db'}", keyer, [DOMAIN])
        summary = learn_paths(
            store, [tmp_path / "many.mbox"], config, workers=workers, batch_size=7
        )
        assert (summary.learned, summary.unreadable) == (60, 0)
        stores.append(store)

    one, two = (store.stats() for store in stores)
    assert one == two
    assert one.messages == 60 and one.keys == 30 + 1 + 1  # 30 school cases, Ellie, the car
    for store in stores:
        store.close()


# ---- the short path for plain mail --------------------------------------------------------


def _corpus() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    found = sorted((root / "tests" / "scenarios" / "messages").glob("*.eml"))
    found += sorted((root / "demo" / "messages").glob("*.eml"))
    found += sorted((root.parent / "shared" / "corpora" / "rspamd-messages").glob("*.eml"))
    return found


def test_the_short_path_reads_plain_mail_exactly_as_the_parser_does() -> None:
    raws = [p.read_bytes() for p in _corpus()] + [
        m.encode() for m in (TO_SCHOOL, SCHOOL_REPLY, FROM_PATEL, TO_PATEL, WRONG_REPLY)
    ]
    taken = 0
    for raw in raws:
        quick = quick_parse(raw, ParseLimits())
        if quick is None:
            continue
        taken += 1
        full = parse_message(raw)
        assert _fields(quick) == _fields(full)
    assert taken >= 5


@pytest.mark.parametrize(
    "raw",
    [
        b"From: a@b.uk\nSubject: =?utf-8?q?Caf=C3=A9?=\n\nbody\n",  # encoded words
        b"From: a@b.uk\nSubject: Caf\xc3\xa9\n\nbody\n",  # raw 8-bit header
        b"From: a@b.uk\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\nhi\n--x--\n",
        b"From: a@b.uk\nContent-Type: application/pdf\n\n%PDF-1.4\n",
        b"From: a@b.uk\nContent-Disposition: attachment; filename=a.txt\n\nnotes\n",
        b"From: a@b.uk\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n",
        b"From: <not an address>\nTo: b@c.uk\n\nbody\n",
        b"From: a@b.uk\nDate: the day after tomorrow\n\nbody\n",
        b"no header block at all",
    ],
)
def test_the_short_path_gives_way_to_the_parser_for_anything_unusual(raw: bytes) -> None:
    assert quick_parse(raw, ParseLimits()) is None


def test_the_short_path_decodes_transfer_encodings_as_the_parser_does() -> None:
    for encoding, body in (
        ("quoted-printable", b"Ellie Marsh =E2=80=93 AB/25/0093=\n continued\n"),
        ("base64", b"RWxsaWUgTWFyc2ggLSBBQi8yNS8wMDkzCg==\n"),
    ):
        raw = (
            b"From: a@b.uk\nTo: c@d.uk\nContent-Type: text/plain; charset=utf-8\n"
            b"Content-Transfer-Encoding: " + encoding.encode() + b"\n\n" + body
        )
        quick = quick_parse(raw, ParseLimits())
        assert quick is not None
        assert _fields(quick) == _fields(parse_message(raw))


def _fields(m: Message) -> tuple[object, ...]:
    """What learning reads of a message."""
    parts = [(p.content_type, p.payload, p.name, p.is_body, p.charset) for p in m.parts]
    return (
        m.subject,
        m.sender,
        m.recipients,
        m.message_id,
        m.in_reply_to,
        m.references,
        m.date,
        parts,
        m.problems,
    )


def _rules_for(report: dict[str, object], address: str) -> list[str]:
    recipients = report["recipients"]
    assert isinstance(recipients, list)
    [recipient] = [r for r in recipients if r["address"] == address]
    return sorted(reason["rule"] for reason in recipient["reasons"])
