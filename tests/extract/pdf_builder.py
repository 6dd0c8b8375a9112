"""Build small real PDFs in code with pypdf: text pages, form fields, encryption."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def make_pdf(
    pages: list[list[str]],
    fields: dict[str, str] | None = None,
    user_password: str | None = None,
    owner_password: str | None = None,
    algorithm: str = "AES-256",
) -> bytes:
    """A PDF whose page N shows the lines pages[N-1], with text form fields, maybe encrypted."""
    writer = PdfWriter()
    font = writer._add_object(  # pypdf has no public add for a bare object
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for lines in pages:
        page = writer.add_blank_page(width=595, height=842)
        operations = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            operations.append(f"({escaped}) Tj T*")
        operations.append("ET")
        content = DecodedStreamObject()
        content.set_data("\n".join(operations).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    if fields:
        _add_text_fields(writer, fields)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password or "", owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_text_fields(writer: PdfWriter, fields: dict[str, str]) -> None:
    page = writer.pages[0]
    annotations = ArrayObject()
    for number, (name, value) in enumerate(fields.items()):
        field = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/V"): TextStringObject(value),
                NameObject("/Rect"): ArrayObject(
                    [FloatObject(x) for x in (72, 600 - 30 * number, 300, 620 - 30 * number)]
                ),
                NameObject("/F"): NumberObject(4),
            }
        )
        annotations.append(writer._add_object(field))
    page[NameObject("/Annots")] = annotations
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(list(annotations))}
    )
