"""Writes demo/history.mbox: the mail the demo organisation had exchanged before the demo messages.

`mailwarden learn` reads it so `mailwarden scan --db` can judge the demo messages' recipients:
Mr Hughes has written only about his car (MC/25/31877); the race-hate incident between pupils
(06/118452/25) has been discussed only with the schools. Deterministic: fixed dates and ids.
Run from the repository root: .venv/bin/python demo/build_history.py
"""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

HISTORY = Path(__file__).resolve().parent / "history.mbox"
POLICE = "PC Sarah Whitfield <sarah.whitfield@northmoor.police.uk>"
HUGHES = "David Hughes <dave.hughes@example.net>"
GREENFIELD = "Helen Cartwright <h.cartwright@greenfield.northmoor.sch.uk>"
OAKWOOD = "Safeguarding Lead <safeguarding@oakwood.northmoor.sch.uk>"
CAR_THREAD = "<CAJ8h2k4q9HughesCarDamage@mail.example.net>"

MAIL = [
    (HUGHES, POLICE, "Damage to my car on Holloway Road", CAR_THREAD, "", datetime(2025, 3, 3, 9, 12),
     "Dear PC Whitfield,\n\nMy Ford Focus, MA19 XKT, was damaged on Holloway Road last night.\n"
     "The crime reference you gave me on the phone is MC/25/31877.\n\nDavid Hughes\n"),
    (POLICE, HUGHES, "RE: Damage to my car on Holloway Road - ref MC/25/31877",
     "<car-ack-1@northmoor.police.uk>", CAR_THREAD, datetime(2025, 3, 3, 14, 40),
     "Dear Mr Hughes,\n\nThank you. Your report of damage to your car, MA19 XKT, is recorded\n"
     "under MC/25/31877. I will be in touch.\n\nKind regards,\nPC Sarah Whitfield\n"),
    (GREENFIELD, POLICE, "Prejudice incident - Year 7 - 06/118452/25", "<ga-incident-1@greenfield.northmoor.sch.uk>",
     "", datetime(2025, 3, 5, 10, 2),
     "Dear PC Whitfield,\n\nFurther to our call about 06/118452/25: Tyler Briggs sent a racist\n"
     "message to Aisha Rahman, and Kai Dempsey shared a screenshot of it. Our report follows.\n\n"
     "Helen Cartwright\nDesignated Safeguarding Lead\n"),
    (POLICE, GREENFIELD, "RE: Prejudice incident - Year 7 - 06/118452/25", "<ga-incident-2@northmoor.police.uk>",
     "<ga-incident-1@greenfield.northmoor.sch.uk>", datetime(2025, 3, 5, 15, 30),
     "Dear Mrs Cartwright,\n\nThank you. I will speak to Tyler Briggs and his parents, and to\n"
     "Aisha Rahman's family, about 06/118452/25.\n\nKind regards,\nPC Sarah Whitfield\n"),
    (POLICE, OAKWOOD, "06/118452/25 - Aisha Rahman", "<oak-1@northmoor.police.uk>", "",
     datetime(2025, 3, 6, 11, 0),
     "Hello,\n\nAisha Rahman, who moves to Oakwood next term, is the victim in 06/118452/25.\n"
     "Kai Dempsey shared the message. Please call me.\n\nPC Sarah Whitfield\n"),
]  # fmt: skip


def build() -> None:
    HISTORY.unlink(missing_ok=True)
    box = mailbox.mbox(HISTORY)
    for sender, to, subject, message_id, in_reply_to, when, body in MAIL:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message["Date"] = format_datetime(when.replace(tzinfo=UTC))
        message["Message-ID"] = message_id
        if in_reply_to:
            message["In-Reply-To"] = message["References"] = in_reply_to
        message.set_content(body)
        box.add(message)
    box.close()


if __name__ == "__main__":
    build()
