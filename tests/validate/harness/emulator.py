"""Run a rendered cli/setup.sh against moto_server and check what it changed.

moto_server listens on 127.0.0.1 only. The AWS CLI and boto3 reach it
through AWS_ENDPOINT_URL or endpoint_url, with dummy credentials.
"""

import io
import json
import os
import socket
import subprocess
import time
import urllib.request
import zipfile
from dataclasses import dataclass, field

import boto3
from botocore.config import Config

ACCOUNT_ID = "123456789012"  # moto's default account
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# The script must pass --region on every call. A default region that differs
# from every state's region makes a missing --region land the secret in the
# wrong place, where the assertions below notice it.
TRAP_DEFAULT_REGION = "ap-southeast-2"
ASSUME_ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
# Variables that the function has before the script runs and must keep.
UNRELATED_VARIABLES = {
    "LOG_LEVEL": "debug",
    "FEATURE_FLAGS": "a=1,b=2",
    "JSON_SETTINGS": '{"retries": 3, "note": "spaces and \'quotes\'"}',
}
DEFAULT_ROLE_NAME = "apm-validate-lambda-role"
DEFAULT_ROLE_PATH = "/service-role/"
SCRIPT_TIMEOUT_SECONDS = 180


def partition_of(region):
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """A moto_server process on 127.0.0.1, stopped by PID."""

    def __init__(self, executable, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [executable, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **DUMMY_CREDENTIALS},
        )
        self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with code {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server did not answer on {self.url} within {timeout} s")

    def reset(self):
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def client(self, service, region):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def role_from_state(state):
    """Return (path, name) of the execution role to create for `state`."""
    role = state.get("role")
    if not role:
        return DEFAULT_ROLE_PATH, DEFAULT_ROLE_NAME
    if role.startswith("arn:"):
        resource = role.split(":", 5)[5]  # role/{path}{name}
        parts = resource.split("/")
        name = parts[-1]
        path = "/" + "/".join(parts[1:-1]) + "/" if len(parts) > 2 else "/"
        return path, name
    return "/", role


def function_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@dataclass
class Fixture:
    """What the suite created in the emulator before the script runs."""

    region: str
    role_name: str
    role_arn: str
    function_name: str
    plain_variable: str
    id_variable: str
    other_id_variable: str
    kms_key_arn: str = None
    initial_variables: dict = field(default_factory=dict)


def variable_names(auth):
    if auth == "api_key":
        return (
            "ELASTIC_APM_API_KEY",
            "ELASTIC_APM_SECRETS_MANAGER_API_KEY_ID",
            "ELASTIC_APM_SECRETS_MANAGER_SECRET_TOKEN_ID",
        )
    return (
        "ELASTIC_APM_SECRET_TOKEN",
        "ELASTIC_APM_SECRETS_MANAGER_SECRET_TOKEN_ID",
        "ELASTIC_APM_SECRETS_MANAGER_API_KEY_ID",
    )


def create_kms_key(server, region):
    """Create a single-Region customer-managed key in `region` and return its ARN.

    NOTE: multi-Region keys are not exercised. moto 5.2.5 gives them the id
    `mrk-` plus a dashed UUID, where AWS uses `mrk-` plus 32 hex digits, and
    the renderer rightly rejects the emulator's form.
    """
    kms = server.client("kms", region)
    created = kms.create_key(Description="APM secret validation key")
    return created["KeyMetadata"]["Arn"]


def create_fixture(server, state, kms_key_arn=None):
    """Create the execution role and the function that the script updates."""
    region = state.get("region") or "us-east-1"
    path, role_name = role_from_state(state)
    iam = server.client("iam", region)
    role_arn = iam.create_role(RoleName=role_name, Path=path, AssumeRolePolicyDocument=ASSUME_ROLE_POLICY)["Role"][
        "Arn"
    ]
    plain, id_variable, other_id_variable = variable_names(state.get("auth") or "secret_token")
    variables = dict(UNRELATED_VARIABLES)
    variables[plain] = "plain-text-credential-to-remove"
    # A leftover lookup of the other kind, which the script must remove too.
    variables[other_id_variable] = "leftover-secret-of-the-other-kind"
    function_name = state.get("function_name")
    server.client("lambda", region).create_function(
        FunctionName=function_name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": function_zip()},
        Environment={"Variables": variables},
    )
    return Fixture(
        region=region,
        role_name=role_name,
        role_arn=role_arn,
        function_name=function_name,
        plain_variable=plain,
        id_variable=id_variable,
        other_id_variable=other_id_variable,
        kms_key_arn=kms_key_arn,
        initial_variables=variables,
    )


@dataclass
class ScriptRun:
    returncode: int
    output: str
    timed_out: bool = False


def run_script(server, script_path, scratch_dir, aws_bin_dir, stdin_text):
    """Run `bash script_path` in `scratch_dir` with the AWS CLI pointed at moto.

    `stdin_text` is what the script's prompt reads (None for no input).
    """
    os.makedirs(scratch_dir, exist_ok=True)
    config_path = os.path.join(scratch_dir, "aws-config")
    with open(config_path, "w") as config:
        # AWS CLI v1 fetches parameter values that start with http:// or
        # https:// from the network. CLI v2 never does, so this setting turns
        # it off in v1.
        config.write("[default]\ncli_follow_urlparam = false\n")
    env = {
        "PATH": f"{aws_bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": scratch_dir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "AWS_ENDPOINT_URL": server.url,
        "AWS_DEFAULT_REGION": TRAP_DEFAULT_REGION,
        "AWS_CONFIG_FILE": config_path,
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(scratch_dir, "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
        **DUMMY_CREDENTIALS,
    }
    try:
        completed = subprocess.run(
            ["bash", script_path],
            cwd=scratch_dir,
            env=env,
            input=(stdin_text or "").encode("utf-8"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=SCRIPT_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as expired:
        output = (expired.output or b"").decode("utf-8", "replace")
        return ScriptRun(returncode=-1, output=output, timed_out=True)
    return ScriptRun(returncode=completed.returncode, output=completed.stdout.decode("utf-8", "replace"))


@dataclass
class EmulatorCheck:
    problems: list
    secret_arn: str = None


def check_emulator(server, fixture, secret_name, key_value, policy_document):
    """Return the differences between the emulator's state and what the script must have done."""
    problems = []
    secrets = server.client("secretsmanager", fixture.region)
    secret_arn = None
    try:
        described = secrets.describe_secret(SecretId=secret_name)
        secret_arn = described["ARN"]
        expected_prefix = f"arn:{partition_of(fixture.region)}:secretsmanager:{fixture.region}:"
        if not secret_arn.startswith(expected_prefix):
            # moto 5.2.5 derives the partition from the region correctly for
            # cn-* and us-gov-*; this guards the policy comparison against an
            # emulator that does not.
            problems.append(f"moto_server assigned {secret_arn}, which does not start with {expected_prefix}")
    except secrets.exceptions.ResourceNotFoundException:
        problems.append(f"secret {secret_name!r} not found in {fixture.region}")
        if fixture.region != TRAP_DEFAULT_REGION:
            stray = server.client("secretsmanager", TRAP_DEFAULT_REGION).list_secrets()["SecretList"]
            if stray:
                problems.append(
                    f"a secret was created in the CLI's default region {TRAP_DEFAULT_REGION} instead: "
                    f"{[s['Name'] for s in stray]} (a call lacks --region)"
                )
        described = None

    if described is not None:
        value = secrets.get_secret_value(SecretId=secret_name)
        if "SecretBinary" in value:
            problems.append("the secret was stored as SecretBinary; the extension needs SecretString")
        stored = value.get("SecretString")
        if stored != key_value:
            problems.append(describe_value_difference(stored, key_value))
        stored_key = described.get("KmsKeyId")
        if fixture.kms_key_arn:
            key_id = fixture.kms_key_arn.rsplit("/", 1)[1]
            if stored_key not in (fixture.kms_key_arn, key_id):
                problems.append(f"secret KmsKeyId is {stored_key!r}, expected the customer-managed key {fixture.kms_key_arn}")
        elif stored_key not in (None, "alias/aws/secretsmanager"):
            problems.append(f"secret KmsKeyId is {stored_key!r}, expected the AWS-managed key")

    iam = server.client("iam", fixture.region)
    policy_names = iam.list_role_policies(RoleName=fixture.role_name)["PolicyNames"]
    documents = [iam.get_role_policy(RoleName=fixture.role_name, PolicyName=name)["PolicyDocument"] for name in policy_names]
    documents = [json.loads(d) if isinstance(d, str) else d for d in documents]
    if not policy_names:
        problems.append(f"role {fixture.role_name} has no inline policy")
    elif policy_document is not None and policy_document not in documents:
        problems.append(
            f"no inline policy of role {fixture.role_name} equals policy.json; found {json.dumps(documents)}"
        )

    configuration = server.client("lambda", fixture.region).get_function_configuration(FunctionName=fixture.function_name)
    variables = configuration.get("Environment", {}).get("Variables", {})
    wanted = variables.get(fixture.id_variable)
    if wanted is None:
        problems.append(f"function environment lacks {fixture.id_variable}; it has {sorted(variables)}")
    elif wanted not in (secret_name, secret_arn):
        problems.append(f"{fixture.id_variable} is {wanted!r}, expected the secret name {secret_name!r} or its ARN")
    if fixture.plain_variable in variables:
        problems.append(f"function environment still has the plain-text {fixture.plain_variable}")
    if fixture.other_id_variable in variables:
        problems.append(f"function environment has {fixture.other_id_variable}, which belongs to the other key kind")
    for name, value in UNRELATED_VARIABLES.items():
        if variables.get(name) != value:
            problems.append(f"unrelated variable {name} was changed or dropped: {variables.get(name)!r}, expected {value!r}")
    status = configuration.get("LastUpdateStatus")
    if status not in (None, "Successful"):
        problems.append(f"function LastUpdateStatus is {status!r}")
    return EmulatorCheck(problems=problems, secret_arn=secret_arn)


def describe_value_difference(stored, expected):
    if stored is None:
        return "the secret has no SecretString"
    if stored.rstrip("\n") == expected:
        return "the stored secret has an added trailing newline"
    if stored.strip() == expected:
        return "the stored secret has added leading or trailing whitespace"
    return (
        f"the stored secret differs from the key: {len(stored.encode())} bytes stored, "
        f"{len(expected.encode())} expected; first difference at character "
        f"{next((i for i, (a, b) in enumerate(zip(stored, expected)) if a != b), min(len(stored), len(expected)))}"
    )
