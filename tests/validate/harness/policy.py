"""Check an IAM policy document the way IAM evaluates its Resource elements."""

import re


def iam_pattern_matches(pattern, arn):
    """Return True when the IAM Resource `pattern` matches `arn`.

    IAM compares resource ARNs case-sensitively, with `*` matching any run of
    characters (including none, and across `:` and `/`) and `?` matching
    exactly one character.
    """
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    regex = "".join(parts)
    return re.fullmatch(regex, arn, flags=re.DOTALL) is not None


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document):
    return as_list(document.get("Statement"))


def grants(statement, action):
    """Return True when an Allow statement's Action covers `action` (IAM wildcards apply)."""
    if statement.get("Effect") != "Allow":
        return False
    return any(iam_pattern_matches(pattern.lower(), action.lower()) for pattern in as_list(statement.get("Action")))


def sibling_secret_arn(secret_arn):
    """Return the ARN of another secret whose name starts with this secret's name.

    A policy written as `secret:{name}*` would also match it, which grants
    more than the one secret.
    """
    without_suffix = secret_arn[: -len("-AbCdEf")]
    return f"{without_suffix}-other-QwErTy"


def check_policy(document, secret_arn, kms_key_arn):
    """Return the problems found in `document` for the secret and, if any, the customer-managed key.

    `secret_arn` is the ARN that Secrets Manager assigned to the secret;
    `kms_key_arn` is None for the AWS-managed key.
    """
    problems = []
    if document.get("Version") != "2012-10-17":
        problems.append(f"Version is {document.get('Version')!r}, expected '2012-10-17'")

    secret_statements = [s for s in statements(document) if grants(s, "secretsmanager:GetSecretValue")]
    if not secret_statements:
        problems.append("no Allow statement grants secretsmanager:GetSecretValue")
    secret_resources = [r for s in secret_statements for r in as_list(s.get("Resource"))]
    if secret_statements and not any(iam_pattern_matches(r, secret_arn) for r in secret_resources):
        problems.append(
            f"secretsmanager:GetSecretValue Resource {secret_resources} does not match the secret ARN "
            f"{secret_arn} that Secrets Manager assigned (a secret ARN ends in '-' and six random "
            "characters, matched by '-??????')"
        )
    sibling = sibling_secret_arn(secret_arn)
    too_wide = [r for r in secret_resources if iam_pattern_matches(r, sibling)]
    if too_wide:
        problems.append(f"Resource {too_wide} also matches another secret, {sibling}")

    decrypt_statements = [s for s in statements(document) if grants(s, "kms:Decrypt")]
    if kms_key_arn is None:
        if decrypt_statements:
            problems.append("kms:Decrypt is granted although the secret uses the AWS-managed key")
    else:
        if not decrypt_statements:
            problems.append(f"no Allow statement grants kms:Decrypt on the customer-managed key {kms_key_arn}")
        for statement in decrypt_statements:
            resources = as_list(statement.get("Resource"))
            if resources != [kms_key_arn]:
                problems.append(f"kms:Decrypt Resource is {resources}, expected exactly [{kms_key_arn!r}]")
    return problems
