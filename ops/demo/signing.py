"""The demo's signing certificate: a self-signed demo CA and, issued by it, a P-256 certificate for the
model cell's committee (the school's party committee), stored as an administrator would upload it
(documents.signing.store_certificate: the passphrase encrypted with SIGNING_KEY). The demo's adopted minutes
and resolutions of that committee's cells are then signed; the other cells show "not digitally signed"."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from django.db import transaction

from documents import signing
from documents.models import SigningCertificate
from members.models import Organization
from ops.demo.members import MODEL_CELL

DEMO_PASSPHRASE = "chibo-demo-ky-so"
CA_NAME = "CA thử nghiệm Chi bộ (demo)"
# From before the demo's first meeting (December 2025) so that every adopted demo minutes can be signed.
VALID_FROM = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
YEARS = 10


def _fit(value: str, limit: int = 64) -> str:
    """X.509 names hold at most 64 bytes (UTF-8): a long committee name is cut at a letter."""
    while len(value.encode()) > limit:
        value = value[:-1]
    return value.strip()


def _name(common_name: str, organization: str = "Chi bộ demo") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organization)),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)
CA_USES = {"digital_signature", "key_cert_sign", "crl_sign"}
SIGNER_USES = {"digital_signature", "content_commitment"}  # content commitment: non-repudiation


def _certificate(subject: x509.Name, issuer: x509.Name, key, valid_from, valid_until, *, ca: bool, allowed):
    """A certificate for `key`, valid from `valid_from` to `valid_until`, a CA's or not, whose key may do
    `allowed` (of KEY_USAGES) and nothing else: the builder, for the caller's own extensions and signature."""
    usage = x509.KeyUsage(**{name: name in allowed for name in KEY_USAGES})
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(usage, critical=True)
    )


def make_authority(common_name: str = CA_NAME, *, valid_from=VALID_FROM, years: int = YEARS):
    """A self-signed CA: (private key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    until = valid_from + dt.timedelta(days=365 * years)
    certificate = (
        _certificate(name, name, key, valid_from, until, ca=True, allowed=CA_USES)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_pkcs12(
    common_name: str,
    authority,
    passphrase: str = DEMO_PASSPHRASE,
    *,
    valid_from=VALID_FROM,
    valid_until=None,
) -> bytes:
    """A P-256 signing certificate for `common_name` issued by `authority` (from make_authority), with its
    key and the CA, as a PKCS#12 file protected by `passphrase`."""
    ca_key, ca_certificate = authority
    key = ec.generate_private_key(ec.SECP256R1())
    until = valid_until or valid_from + dt.timedelta(days=365 * (YEARS - 1))
    subject, issuer = _name(common_name), ca_certificate.subject
    certificate = (
        _certificate(subject, issuer, key, valid_from, until, ca=False, allowed=SIGNER_USES)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, certificate, [ca_certificate], BestAvailableEncryption(passphrase.encode())
    )


def demo_committee() -> Organization | None:
    cell = Organization.objects.filter(name=MODEL_CELL).first()
    return signing.issuing_committee(cell) if cell else None


@transaction.atomic
def seed() -> bool:
    """Stores the demo committee's certificate once. Without SIGNING_KEY (production settings without it)
    nothing is stored and the demo's PDFs stay unsigned."""
    committee = demo_committee()
    if committee is None or not signing.available():
        return False
    if SigningCertificate.objects.filter(organization=committee).exists():
        return False
    # A certificate's name holds 64 bytes: "Đảng bộ Trường ĐH Kỹ thuật - CN Cần Thơ".
    common_name = committee.name.replace("Trường Đại học", "Trường ĐH").replace("Công nghệ", "CN")
    data = make_pkcs12(common_name, make_authority())
    signing.store_certificate(organization=committee, data=data, passphrase=DEMO_PASSPHRASE)
    return True
