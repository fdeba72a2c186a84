"""Check a parsed Terraform file against the arguments the AWS provider defines.

The table below lists, for every block type the renderer may emit, the
arguments and nested blocks that the Terraform language or the AWS provider
accepts. Arguments come from the "Argument Reference" sections of the
hashicorp/aws provider documentation (v5 and v6; `region` on regional
resources is new in v6) and from the Terraform language documentation for
the terraform, provider, variable, locals and output blocks.

NOTE: the table covers only the types above. A type that is not in it fails
the check, so a renderer change that adds a type needs a row here, taken from
the provider documentation.

The input is the JSON produced by hcl2json: a block appears as a list of
bodies, an argument as its value.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BlockSchema:
    """Arguments and nested blocks accepted inside one kind of block."""

    arguments: frozenset = frozenset()
    blocks: dict = field(default_factory=dict)
    required: frozenset = frozenset()
    # True for bodies whose argument names are chosen by the user
    # (locals, required_providers).
    any_argument: bool = False


def schema(arguments=(), blocks=None, required=(), any_argument=False):
    return BlockSchema(
        arguments=frozenset(arguments),
        blocks=dict(blocks or {}),
        required=frozenset(required),
        any_argument=any_argument,
    )


CONDITION = schema(["condition", "error_message"], required=["condition", "error_message"])

# Meta-arguments that Terraform accepts in every resource and data block.
LIFECYCLE = schema(
    ["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"],
    blocks={"precondition": CONDITION, "postcondition": CONDITION},
)
RESOURCE_META_ARGUMENTS = frozenset(["count", "for_each", "provider", "depends_on"])
RESOURCE_META_BLOCKS = {"lifecycle": LIFECYCLE}

POLICY_PRINCIPALS = schema(["type", "identifiers"], required=["type", "identifiers"])
POLICY_CONDITION = schema(["test", "variable", "values"], required=["test", "variable", "values"])
POLICY_STATEMENT = schema(
    ["sid", "effect", "actions", "not_actions", "resources", "not_resources"],
    blocks={
        "principals": POLICY_PRINCIPALS,
        "not_principals": POLICY_PRINCIPALS,
        "condition": POLICY_CONDITION,
    },
)

RESOURCES = {
    "aws_secretsmanager_secret": schema(
        [
            "description",
            "force_overwrite_replica_secret",
            "kms_key_id",
            "name",
            "name_prefix",
            "policy",
            "recovery_window_in_days",
            "region",
            "tags",
        ],
        blocks={"replica": schema(["kms_key_id", "region"], required=["region"])},
    ),
    "aws_secretsmanager_secret_version": schema(
        [
            "secret_id",
            "secret_string",
            "secret_binary",
            "secret_string_wo",
            "secret_string_wo_version",
            "version_stages",
            "region",
        ],
        required=["secret_id"],
    ),
    "aws_iam_policy": schema(
        [
            "name",
            "name_prefix",
            "path",
            "policy",
            "description",
            "tags",
            "delay_after_policy_creation_in_ms",
        ],
        required=["policy"],
    ),
    "aws_iam_role_policy": schema(["name", "name_prefix", "policy", "role"], required=["policy", "role"]),
    "aws_iam_role_policy_attachment": schema(["role", "policy_arn"], required=["role", "policy_arn"]),
    "aws_lambda_function": schema(
        [
            "architectures",
            "code_sha256",
            "code_signing_config_arn",
            "description",
            "filename",
            "function_name",
            "handler",
            "image_uri",
            "kms_key_arn",
            "layers",
            "memory_size",
            "package_type",
            "publish",
            "region",
            "replace_security_groups_on_destroy",
            "replacement_security_group_ids",
            "reserved_concurrent_executions",
            "role",
            "runtime",
            "s3_bucket",
            "s3_key",
            "s3_object_version",
            "skip_destroy",
            "source_code_hash",
            "source_kms_key_arn",
            "tags",
            "timeout",
        ],
        blocks={
            "dead_letter_config": schema(["target_arn"], required=["target_arn"]),
            "environment": schema(["variables"]),
            "ephemeral_storage": schema(["size"], required=["size"]),
            "file_system_config": schema(["arn", "local_mount_path"], required=["arn", "local_mount_path"]),
            "image_config": schema(["command", "entry_point", "working_directory"]),
            "logging_config": schema(
                ["application_log_level", "log_format", "log_group", "system_log_level"],
                required=["log_format"],
            ),
            "snap_start": schema(["apply_on"], required=["apply_on"]),
            "tracing_config": schema(["mode"], required=["mode"]),
            "vpc_config": schema(
                ["ipv6_allowed_for_dual_stack", "security_group_ids", "subnet_ids"],
                required=["security_group_ids", "subnet_ids"],
            ),
            "timeouts": schema(["create", "update", "delete"]),
        },
        required=["function_name", "role"],
    ),
}

DATA_SOURCES = {
    "aws_iam_policy_document": schema(
        ["version", "policy_id", "source_policy_documents", "override_policy_documents"],
        blocks={"statement": POLICY_STATEMENT},
    ),
    "aws_iam_role": schema(["name"], required=["name"]),
    "aws_partition": schema(),
    "aws_caller_identity": schema(),
    # `name` is deprecated in provider v6 in favour of `region`.
    "aws_region": schema(["name", "region", "endpoint"]),
}

# Resource types that must never be rendered, with the reason.
FORBIDDEN_RESOURCES = {
    "aws_iam_policy_attachment": (
        "aws_iam_policy_attachment is forbidden: it takes `name` and a `roles` list and manages "
        "the policy's attachments exclusively across the whole account, detaching it from every "
        "other role, user and group; use aws_iam_role_policy_attachment (role, policy_arn) or "
        "aws_iam_role_policy"
    ),
}

TERRAFORM_BLOCK = schema(
    ["required_version", "experiments"],
    blocks={
        "required_providers": schema(any_argument=True),
        "backend": schema(any_argument=True),
        "cloud": schema(any_argument=True),
        "provider_meta": schema(any_argument=True),
    },
)

AWS_PROVIDER = schema(
    [
        "alias",
        "region",
        "profile",
        "access_key",
        "secret_key",
        "token",
        "shared_config_files",
        "shared_credentials_files",
        "allowed_account_ids",
        "forbidden_account_ids",
        "max_retries",
        "retry_mode",
        "skip_credentials_validation",
        "skip_metadata_api_check",
        "skip_region_validation",
        "skip_requesting_account_id",
        "sts_region",
        "s3_use_path_style",
        "insecure",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "custom_ca_bundle",
        "use_fips_endpoint",
        "use_dualstack_endpoint",
    ],
    blocks={
        "default_tags": schema(["tags"]),
        "ignore_tags": schema(["keys", "key_prefixes"]),
        "assume_role": schema(
            [
                "role_arn",
                "session_name",
                "external_id",
                "duration",
                "policy",
                "policy_arns",
                "tags",
                "transitive_tag_keys",
                "source_identity",
            ]
        ),
        "endpoints": schema(any_argument=True),
    },
)

VARIABLE = schema(
    ["type", "default", "description", "sensitive", "nullable", "ephemeral"],
    blocks={"validation": CONDITION},
)
OUTPUT = schema(
    ["value", "description", "sensitive", "ephemeral", "depends_on"],
    blocks={"precondition": CONDITION},
    required=["value"],
)


def is_block_list(value):
    return isinstance(value, list) and all(isinstance(body, dict) for body in value)


def check_body(body, block_schema, where, problems, meta_arguments=frozenset(), meta_blocks=None):
    """Append to `problems` every argument of `body` that `block_schema` does not define."""
    meta_blocks = meta_blocks or {}
    if not isinstance(body, dict):
        problems.append(f"{where}: expected a block body, found {type(body).__name__}")
        return
    if block_schema.any_argument:
        return
    for name, value in body.items():
        if name in block_schema.arguments or name in meta_arguments:
            continue
        nested = block_schema.blocks.get(name) or meta_blocks.get(name)
        if nested is not None:
            if not is_block_list(value):
                problems.append(f"{where}: `{name}` must be written as a block (`{name} {{ ... }}`), not as an argument")
                continue
            for index, nested_body in enumerate(value):
                check_body(nested_body, nested, f"{where}.{name}[{index}]", problems)
            continue
        if name == "dynamic":
            check_dynamic(value, block_schema, where, problems)
            continue
        problems.append(f"{where}: unknown argument or block `{name}` (not defined for this block type)")
    for name in sorted(block_schema.required - set(body)):
        problems.append(f"{where}: required argument `{name}` is missing")


def check_dynamic(value, block_schema, where, problems):
    if not isinstance(value, dict):
        problems.append(f"{where}: malformed dynamic block")
        return
    for label, bodies in value.items():
        nested = block_schema.blocks.get(label)
        if nested is None:
            problems.append(f"{where}: dynamic block `{label}` is not a nested block of this type")
            continue
        for body in bodies:
            for content in body.get("content", []):
                check_body(content, schema(nested.arguments, nested.blocks), f"{where}.dynamic.{label}", problems)


def literal(value):
    """Return `value` when it is a plain literal, None when it contains an expression."""
    if isinstance(value, str) and "${" in value:
        return None
    return value


def check_values(kind, name, body, where, problems):
    """Append problems with argument values that the provider or AWS would reject."""
    if kind in ("aws_iam_role_policy", "aws_iam_role_policy_attachment"):
        role = literal(body.get("role"))
        if isinstance(role, str) and role.startswith("arn:"):
            problems.append(f"{where}: `role` is the role ARN {role!r}; the provider expects the role name")
    if kind == "aws_secretsmanager_secret":
        window = literal(body.get("recovery_window_in_days"))
        if isinstance(window, (int, float)) and not (window == 0 or 7 <= window <= 30):
            problems.append(f"{where}: recovery_window_in_days = {window} is outside 0 or 7 to 30")
    if kind == "aws_secretsmanager_secret_version":
        if "secret_string_wo" in body and "secret_string_wo_version" not in body:
            problems.append(f"{where}: secret_string_wo needs secret_string_wo_version")
        if "secret_string_wo" in body and "secret_string" in body:
            problems.append(f"{where}: secret_string and secret_string_wo conflict")


def check_terraform(parsed):
    """Return a list of problems found in hcl2json output; an empty list means valid."""
    problems = []
    for top, content in parsed.items():
        if top == "terraform":
            for index, body in enumerate(content):
                check_body(body, TERRAFORM_BLOCK, f"terraform[{index}]", problems)
        elif top == "provider":
            for provider_name, bodies in content.items():
                if provider_name != "aws":
                    problems.append(f"provider `{provider_name}` is not in the table (only aws is expected)")
                    continue
                for index, body in enumerate(bodies):
                    check_body(body, AWS_PROVIDER, f"provider.aws[{index}]", problems)
        elif top == "variable":
            for variable_name, bodies in content.items():
                for body in bodies:
                    check_body(body, VARIABLE, f"variable.{variable_name}", problems)
        elif top == "output":
            for output_name, bodies in content.items():
                for body in bodies:
                    check_body(body, OUTPUT, f"output.{output_name}", problems)
        elif top == "locals":
            continue
        elif top in ("resource", "data"):
            table = RESOURCES if top == "resource" else DATA_SOURCES
            for kind, instances in content.items():
                if top == "resource" and kind in FORBIDDEN_RESOURCES:
                    problems.append(f"resource.{kind}: {FORBIDDEN_RESOURCES[kind]}")
                    continue
                block_schema = table.get(kind)
                if block_schema is None:
                    problems.append(f"{top}.{kind}: type not in the table of known AWS provider types")
                    continue
                for name, bodies in instances.items():
                    for body in bodies:
                        where = f"{top}.{kind}.{name}"
                        check_body(
                            body,
                            block_schema,
                            where,
                            problems,
                            meta_arguments=RESOURCE_META_ARGUMENTS,
                            meta_blocks=RESOURCE_META_BLOCKS,
                        )
                        check_values(kind, name, body, where, problems)
        else:
            problems.append(f"top-level block `{top}` is not expected in the rendered file")
    return problems
