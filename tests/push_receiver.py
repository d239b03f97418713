"""A push service on 127.0.0.1 for the tests, and devices that subscribe to it (no outside network).

The receiver plays a browser vendor's push service (RFC 8030): it takes every POST to /push/<device>, keeps
its headers and body, and answers what the test set for that device (201 by default; 410 for a subscription
that is gone). A `Device` is what a browser holds: a P-256 key pair and 16 random auth bytes, of which it gives
the server the public key (p256dh) and the auth secret. `PushReceiver.messages(device)` decrypts what reached
that device (RFC 8291, aes128gcm) with the device's private key, as the phone would, after checking the
server's VAPID signature (RFC 8292) with the server's public key.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    name: str
    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def subscription(self) -> dict:
        """What static/js/push.js posts for this device."""
        return {"endpoint": self.endpoint, "p256dh": self.p256dh, "auth": b64url(self.auth)}


@dataclass
class Received:
    device: str
    headers: dict
    body: bytes


class PushReceiver:
    def __init__(self):
        self.received: list[Received] = []
        self.answers: dict[str, int] = {}
        self.lock = threading.Lock()
        # hold_at = n: the n-th message is taken (kept) and its answer held back until `release` is set, as a
        # push service that is slow to answer: the sender is then "mid-send".
        self.hold_at: int | None = None
        self.holding, self.release = threading.Event(), threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                name = self.path.rsplit("/", 1)[-1]
                with receiver.lock:
                    receiver.received.append(
                        Received(name, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    status = receiver.answers.get(name, 201)
                    hold = len(receiver.received) == receiver.hold_at
                if hold:
                    receiver.holding.set()
                    receiver.release.wait(60)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.devices: dict[str, Device] = {}

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def device(self, name: str) -> Device:
        self.devices[name] = Device(name, f"{self.origin}/push/{name}")
        return self.devices[name]

    def reaching(self, device: Device) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.device == device.name]

    def messages(self, device: Device, *, vapid_public_key: str, subject: str) -> list[dict]:
        """Every message that reached the device, checked and decrypted as the browser would."""
        out = []
        for message in self.reaching(device):
            check_vapid(
                message.headers["authorization"], vapid_public_key, audience=self.origin, subject=subject
            )
            assert message.headers["content-encoding"] == "aes128gcm"
            plain = http_ece.decrypt(
                message.body, private_key=device.key, auth_secret=device.auth, version="aes128gcm"
            )
            out.append({"payload": json.loads(plain), "headers": message.headers})
        return out


def check_vapid(authorization: str, public_key: str, *, audience: str, subject: str) -> dict:
    """`vapid t=<JWT>, k=<key>`: the key is the server's, the ES256 signature holds, the claims are right."""
    scheme, _space, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key
    header, claims, signature = parts["t"].split(".")
    raw = unb64url(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    key.verify(  # raises InvalidSignature
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert json.loads(unb64url(header))["alg"] == "ES256"
    claims = json.loads(unb64url(claims))
    assert claims["aud"] == audience and claims["sub"] == subject and claims["exp"] > time.time()
    return claims
