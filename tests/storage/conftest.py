"""An S3-compatible server of the test's own (moto's server mode on 127.0.0.1, a free port) and the settings
that put every stored file in a fresh bucket of it: the shape docker compose runs with MinIO (S3_BUCKET)."""

import socket
import uuid

import boto3
import pytest
from django.core.files.storage import storages

from chibo.storages import object_storages

# The closed and adopted November meeting of tests/minutes/conftest.py, and December's planned one.
from ..meetings.conftest import regular  # noqa: F401
from ..minutes.conftest import adopted, cell, clock, closed, in_progress  # noqa: F401

KEYS = {"access_key": "chibo-test", "secret_key": "chibo-test-secret", "region": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    """The bucket as an operator sees it with an S3 client, beside the app."""

    def __init__(self, endpoint: str, name: str):
        self.name = name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
            region_name=KEYS["region"],
        )
        self.client.create_bucket(Bucket=name)

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)

    def is_private(self) -> bool:
        """No grant to everyone (AllUsers) on the bucket or on any object."""
        everyone = "http://acs.amazonaws.com/groups/global/AllUsers"
        grants = self.client.get_bucket_acl(Bucket=self.name)["Grants"]
        for key in self.keys():
            grants += self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return not any(g["Grantee"].get("URI") == everyone for g in grants)


@pytest.fixture
def bucket(settings, s3_server) -> Bucket:
    """Every stored file of this test in a new bucket (the settings S3_BUCKET / S3_ENDPOINT_URL make)."""
    name = f"chibo-{uuid.uuid4().hex[:16]}"
    made = Bucket(s3_server, name)
    settings.STORAGES = {
        **settings.STORAGES,
        **object_storages(bucket=name, endpoint_url=s3_server, **KEYS),
    }
    assert type(storages["default"]).__name__ == "ObjectStorage"
    return made
