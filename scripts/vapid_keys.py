#!/usr/bin/env python3
"""Prints a new VAPID key pair for push notifications as two .env lines (`make vapid-keys` appends them to a
.env that has none): the public key as an uncompressed P-256 point and the private key as its 32-byte
number, both base64url without padding, the forms browsers (applicationServerKey) and pywebpush read."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_pair() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(public), b64url(key.private_numbers().private_value.to_bytes(32, "big"))


if __name__ == "__main__":
    public, private = new_pair()
    print(f"VAPID_PUBLIC_KEY={public}")
    print(f"VAPID_PRIVATE_KEY={private}")
