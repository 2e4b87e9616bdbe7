"""Fixtures of the tests that run on both storages: files under MEDIA_ROOT, and an S3-compatible bucket served by
moto in server mode (real HTTP on a loopback port, started here; moto is a dev dependency, so never skipped).

Import the fixtures in a test module: ``from tests.storage import s3_bucket, s3_server, storage_backend``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto) on a free loopback port, for the whole session: its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    """A bucket of the test's own, with the environment that selects it and a raw client to look inside."""

    name: str
    env: dict[str, str]
    client: object

    def keys(self, prefix: str = "") -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return {item["Key"] for item in listed.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment variables a deployment sets to use the bucket (read by ``settings.media_storage``)."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


@pytest.fixture
def s3_bucket(s3_server, settings) -> Bucket:
    """A new, empty bucket, made the default storage (uploads and PDFs) through the settings' own builder."""
    import boto3

    from mot_portal.settings import media_storage

    name = f"test-{uuid.uuid4().hex[:16]}"
    env = s3_env(s3_server, name)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(env)}
    return Bucket(name, env, client)


@pytest.fixture(params=["filesystem", "s3"])
def storage_backend(request, settings) -> Bucket | None:
    """Runs a test on both storages: None for files under MEDIA_ROOT, else the bucket in use."""
    if request.param == "s3":
        return request.getfixturevalue("s3_bucket")
    return None
