"""Deliberately broken copies of rendered files, used as negative controls.

Each function takes a rendered file's text and returns a broken copy, or
None when the file has no spot where the defect can be introduced. A
validator passes a control only by rejecting the broken copy.
"""

import json
import re


def drop_quote(script):
    """Delete the opening quote of the first quoted expansion (`"$x"` becomes `$x"`)."""
    match = re.search(r'"\$', script)
    if match is None:
        return None
    return script[: match.start()] + script[match.start() + 1 :]


def unquote_expansion(script):
    """Remove the quotes around the first `"$NAME"` whose value the script computes (an unquoted `$`).

    shellcheck stays silent about an unquoted variable that was assigned a
    plain word, so only variables set from a command substitution qualify.
    An expansion right after `=` is skipped, because assignments do not
    split words.
    """
    computed = set(re.findall(r"^\s*(?:local\s+|export\s+)?([A-Za-z_][A-Za-z0-9_]*)=\$\(", script, re.MULTILINE))
    for match in re.finditer(r'"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"', script):
        if match.group(1) not in computed or script[match.start() - 1] == "=":
            continue
        inner = match.group(0)[1:-1]
        return script[: match.start()] + inner + script[match.end() :]
    return None


def stop_before_environment_update(script):
    """Insert `exit 0` before the command that calls update-function-configuration."""
    lines = script.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if "update-function-configuration" in line and not line.lstrip().startswith("#"):
            start = index
            while start > 0 and lines[start - 1].rstrip("\n").endswith("\\"):
                start -= 1
            return "".join(lines[:start] + ["exit 0\n"] + lines[start:])
    return None


def drop_secret_suffix(policy_text):
    """Remove the `-??????` suffix from every secret Resource."""
    if "-??????" not in policy_text:
        return None
    return policy_text.replace("-??????", "")


def decrypt_on_alias(policy_text):
    """Add a kms:Decrypt statement on a key alias ARN, which IAM never matches."""
    document = json.loads(policy_text)
    statements = document.get("Statement")
    if not isinstance(statements, list):
        statements = [statements]
    statements.append(
        {
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": "arn:aws:kms:us-east-1:123456789012:alias/apm-secrets",
        }
    )
    document["Statement"] = statements
    return json.dumps(document, indent=2) + "\n"


def break_yaml_indent(text):
    """Indent one mapping key by an extra space below a `key: value` sibling.

    YAML then reads the shifted line as the continuation of the sibling's
    plain scalar, which contains `: ` and is rejected ("mapping values are
    not allowed here").
    """
    lines = text.splitlines(keepends=True)
    key_value = re.compile(r"^( +)[A-Za-z_][\w.-]*: +[^\s#|>&*!{\[\"'].*$")
    key = re.compile(r"^( +)[A-Za-z_][\w.-]*:( |$)")
    for index in range(1, len(lines)):
        previous = key_value.match(lines[index - 1].rstrip("\n"))
        current = key.match(lines[index])
        if previous and current and previous.group(1) == current.group(1):
            return "".join(lines[:index] + [" " + lines[index]] + lines[index + 1 :])
    return None


def add_invalid_argument(tf_text):
    """Add an argument that no AWS resource defines to the first resource block."""
    match = re.search(r'^resource "[^"]+" "[^"]+" \{\n', tf_text, re.MULTILINE)
    if match is None:
        return None
    return tf_text[: match.end()] + '  not_an_argument = "x"\n' + tf_text[match.end() :]


def use_policy_attachment(tf_text):
    """Replace the role policy attachment with the forbidden aws_iam_policy_attachment."""
    if 'resource "aws_iam_role_policy_attachment"' in tf_text:
        return tf_text.replace('resource "aws_iam_role_policy_attachment"', 'resource "aws_iam_policy_attachment"', 1)
    if 'resource "aws_iam_role_policy"' in tf_text:
        return tf_text.replace('resource "aws_iam_role_policy"', 'resource "aws_iam_policy_attachment"', 1)
    return None


def unformat(tf_text):
    """Indent the first indented argument by two more spaces."""
    match = re.search(r"^(  )([a-z_]+ +=)", tf_text, re.MULTILINE)
    if match is None:
        return None
    return tf_text[: match.start()] + "    " + match.group(2) + tf_text[match.end() :]


def drop_closing_brace(tf_text):
    """Remove the last closing brace, so the file no longer parses."""
    index = tf_text.rfind("}")
    if index < 0:
        return None
    return tf_text[:index] + tf_text[index + 1 :]


def leak_key(tf_text, key_value):
    """Add the key value to the file as a local value."""
    escaped = json.dumps(key_value)
    return tf_text + f"\nlocals {{\n  leaked = {escaped}\n}}\n"
