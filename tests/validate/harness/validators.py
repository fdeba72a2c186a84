"""Validators that run each rendered file through the tool that consumes it.

Each validator returns a list of problems: empty means the tool accepted the
file, otherwise the tool's own messages.
"""

import collections
import difflib
import json
import os
import re
import shutil
import subprocess
import threading
import time

from terraform_schema import check_terraform

TOOL_TIMEOUT_SECONDS = 300
# cfn-lint rule for Lambda runtimes past their deprecation date. The
# Serverless Framework v3 schema only accepts runtimes up to nodejs20.x and
# python3.11, so this warning is expected on its template and nothing else is
# filtered.
RUNTIME_DEPRECATION_WARNING = "W2531"


class Tools:
    """Paths of the tools installed by install.sh."""

    def __init__(self, suite_dir):
        venv_bin = os.path.join(suite_dir, ".venv", "bin")
        self.venv_bin = venv_bin
        self.cfn_lint = os.path.join(venv_bin, "cfn-lint")
        self.parliament = os.path.join(venv_bin, "parliament")
        self.moto_server = os.path.join(venv_bin, "moto_server")
        self.shellcheck = shutil.which("shellcheck") or "shellcheck"
        self.node = shutil.which("node") or "node"
        self.serverless = os.path.join(suite_dir, "node_modules", "serverless", "bin", "serverless.js")
        self.hcl_program = os.path.join(suite_dir, "harness", "hcl.js")


# Seconds spent in each tool, summed over the run, for the closing timing line.
TOOL_SECONDS = collections.Counter()
TOOL_SECONDS_LOCK = threading.Lock()


def tool_label(command):
    if os.path.basename(command[0]) == "node":
        script = os.path.basename(command[1]).removesuffix(".js")
        return f"{script} {command[2]}" if script == "serverless" else script
    return os.path.basename(command[0])


def run(command, cwd=None, env=None, stdin_text=None, timeout=TOOL_TIMEOUT_SECONDS):
    """Run `command` and return (exit code, combined output); exit code None means it timed out."""
    started = time.monotonic()
    try:
        return run_untimed(command, cwd, env, stdin_text, timeout)
    finally:
        with TOOL_SECONDS_LOCK:
            TOOL_SECONDS[tool_label(command)] += time.monotonic() - started


def run_untimed(command, cwd, env, stdin_text, timeout):
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            input=stdin_text,
            stdin=None if stdin_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, f"{command[0]} timed out after {timeout} s"
    return completed.returncode, completed.stdout


def shellcheck(tools, path):
    # --norc ignores any user configuration, so every check runs at every
    # severity (style included).
    code, output = run([tools.shellcheck, "--norc", "--shell=bash", "--external-sources", path])
    if code == 0 and not output.strip():
        return []
    return [output.strip() or f"shellcheck exited with code {code}"]


def cfn_lint(tools, path, region, ignore_checks=()):
    command = [tools.cfn_lint, "--format", "parseable", "--regions", region]
    if ignore_checks:
        command += ["--ignore-checks", *ignore_checks]
    code, output = run(command + ["--", path])
    # cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8
    # informational findings. 1 means cfn-lint itself failed.
    if code is not None and code in (0, 8):
        return []
    return [output.strip() or f"cfn-lint exited with code {code}"]


def parliament(tools, policy_text):
    code, output = run(
        [tools.parliament, "--json", "--minimum_severity", "MEDIUM"],
        stdin_text=policy_text,
    )
    if code == 0 and not output.strip():
        return []
    return [output.strip() or f"parliament exited with code {code}"]


def serverless_environment(home):
    """Return the environment for Serverless Framework v3, with every network feature off."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "CI": "true",
        "SLS_TELEMETRY_DISABLED": "1",
        "SLS_TRACKING_DISABLED": "1",
        "SLS_NOTIFICATIONS_MODE": "off",
        "SLS_DEPRECATION_DISABLE": "*",
        "SLS_INTERACTIVE_SETUP_DISABLE": "1",
        "SLS_NO_UPDATE_NOTIFIER": "1",
        "AWS_ACCESS_KEY_ID": "dummy",
        "AWS_SECRET_ACCESS_KEY": "dummy",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    return env


def handler_stub_path(handler, runtime):
    """Return the source file that a `module.function` handler points to."""
    module = handler.rsplit(".", 1)[0]
    runtime = runtime or ""
    if runtime.startswith("python"):
        return module + ".py", "def handler(event, context):\n    return event\n"
    return module + ".js", "exports.handler = async (event) => event;\n"


def serverless_print(tools, service_dir, home):
    """Run `serverless print` in `service_dir`; return (problems, printed configuration or None)."""
    env = serverless_environment(home)
    code, output = run([tools.node, tools.serverless, "print", "--format", "json"], cwd=service_dir, env=env)
    if code != 0:
        return [output.strip() or f"serverless print exited with code {code}"], None
    try:
        return [], json.loads(output[output.index("{") :])
    except ValueError:
        return [f"serverless print did not print JSON: {output.strip()[:2000]}"], None


def serverless_package(tools, service_dir, home, configuration, region):
    """Run `serverless package` and cfn-lint its CloudFormation template."""
    # The rendered file describes the user's function, whose code is not part
    # of the output. A stub file at each handler path replaces that code.
    provider = configuration.get("provider", {})
    for function in (configuration.get("functions") or {}).values():
        handler = function.get("handler")
        if not handler:
            continue
        relative, content = handler_stub_path(handler, function.get("runtime") or provider.get("runtime"))
        stub = os.path.join(service_dir, relative)
        if not os.path.exists(stub):
            os.makedirs(os.path.dirname(stub) or service_dir, exist_ok=True)
            with open(stub, "w") as handle:
                handle.write(content)
    env = serverless_environment(home)
    code, output = run([tools.node, tools.serverless, "package"], cwd=service_dir, env=env)
    if code != 0:
        return [output.strip() or f"serverless package exited with code {code}"]
    template = os.path.join(service_dir, ".serverless", "cloudformation-template-update-stack.json")
    if not os.path.exists(template):
        return [f"serverless package wrote no {template}"]
    return cfn_lint(tools, template, region, ignore_checks=[RUNTIME_DEPRECATION_WARNING])


def hcl_inspect(tools, paths):
    """Return hcl.js results for `paths`, keyed by path."""
    code, output = run([tools.node, tools.hcl_program, *paths])
    if code != 0:
        raise RuntimeError(f"hcl.js failed with code {code}: {output}")
    return {entry["file"]: entry for entry in json.loads(output)}


def hcl_parse(result):
    if result["parseError"]:
        return [f"hcl2json: {result['parseError']}"]
    return []


def hcl_format(result, source):
    if result.get("formatError"):
        return [f"hcl-tools format: {result['formatError']}"]
    if result["formatted"] == source:
        return []
    return ["hcl-tools format changes the file:\n" + unified_diff(source, result["formatted"])]


def unified_diff(before, after):
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), "main.tf", "main.tf (formatted)"
    )
    return "".join(lines)


def terraform_schema(result):
    if result["parsed"] is None:
        return ["not parsed, so the arguments cannot be checked"]
    return check_terraform(result["parsed"])


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def key_absent(text, key_value, parsed=None):
    """Return a problem when the key value appears in `text` or in its parsed strings."""
    if not key_value:
        return []
    if key_value in text:
        return ["the file contains the key value from the state"]
    if parsed is not None and any(key_value in s for s in strings_in(parsed)):
        return ["the file contains the key value from the state (escaped)"]
    return []


FENCE = re.compile(r"^```json[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def console_steps(text, policy_document):
    """Check that the console steps' JSON blocks parse and that one is policy.json."""
    problems = []
    blocks = FENCE.findall(text)
    parsed_blocks = []
    for index, block in enumerate(blocks):
        try:
            parsed_blocks.append(json.loads(block))
        except ValueError as error:
            problems.append(f"JSON block {index + 1} does not parse: {error}")
    if policy_document is not None and policy_document not in parsed_blocks:
        problems.append("no ```json block equals policy.json, so the policy to paste is missing or differs")
    return problems
