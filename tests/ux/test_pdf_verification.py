"""/verify with a PDF: the verdict is about the file. A file that is not intact is never shown
as a valid certificate; the registry's record of the code it names is shown apart, labelled as
the registry's."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests.certificates import helpers
from tests.conftest import csrf_token

VALID_FOR_THE_FILE = "This certificate is genuine and current."


def upload(client, data: bytes) -> str:
    form = {"code": "", "pdf": (io.BytesIO(data), "certificate.pdf")}
    form["csrf_token"] = csrf_token(client, "/verify")
    response = client.post("/verify", data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def painted_over(pdf: bytes) -> bytes:
    """An editor's incremental save: the old signature still verifies, the page does not."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    patch = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 150 330 540 60 re f"))
    writer.add_stream_to_page(0, patch)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def issued(trainee):
    return helpers.issued_with_pdf(trainee)


def test_a_genuine_file_is_valid(client, issued):
    cert, pdf = issued
    page = upload(client, pdf)
    assert "This file is genuine" in page and VALID_FOR_THE_FILE in page
    assert "badge-ok" in page and cert.code in page and "Do not rely" not in page


@pytest.mark.parametrize(
    "tamper",
    [lambda pdf, cert: helpers.altered(pdf, cert.holder_name), lambda pdf, _: painted_over(pdf)],
    ids=["byte-changed", "incremental-edit"],
)
def test_an_altered_file_is_not_shown_as_valid(client, issued, tamper):
    cert, pdf = issued
    page = upload(client, tamper(pdf, cert))
    main = page.split("<main", 1)[1]
    assert "Do not rely on this file" in main and "altered after it was signed" in main
    assert VALID_FOR_THE_FILE not in main and "This file is genuine" not in main
    assert "badge-ok" not in main  # no green "Valid" anywhere on the page
    record = main.split('class="registry-record"', 1)[1].split("</section>", 1)[0]
    assert "Our registry's record for the code this file names" in record
    assert "It does not vouch for the file you uploaded" in record
    assert cert.code in record and cert.holder_name in record and "Valid" in record


def test_a_file_signed_by_nobody_names_no_record(client):
    page = upload(client, b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    assert "carries no SMP Academy signature" in page
    assert "registry-record" not in page and VALID_FOR_THE_FILE not in page
