"""Render every state in tests/validate/states and check each file with its real tool.

Prints one line per state, file and validator (PASS or FAIL with the tool's
own message), then the negative controls, then `N passed, N failed`. Exits
1 when anything failed.
"""

import argparse
import copy
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import controls
import emulator
import policy
import validators

SUITE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RENDERED_FILES = [
    "policy.json",
    "cli/setup.sh",
    "sam/template.yaml",
    "serverless/serverless.yml",
    "terraform/main.tf",
    "console/steps.md",
]
# Files that must never contain the key value, even when the state embeds it.
KEY_FREE_FILES = ["policy.json", "sam/template.yaml", "serverless/serverless.yml", "terraform/main.tf"]
# Key fed to the prompt when the state carries no key value.
DEFAULT_TEST_KEY = "validate-Test-Key-0123456789abcdef"
RENDER_TIMEOUT_SECONDS = 60


@dataclass
class Result:
    state: str
    file: str
    validator: str
    problems: list

    @property
    def passed(self):
        return not self.problems


class Report:
    """Results in the order they were recorded, printed as they are recorded."""

    def __init__(self):
        self.results = []
        self.lock = threading.Lock()

    def add(self, result):
        with self.lock:
            self.results.append(result)
            print_result(result)

    def extend(self, results):
        for result in results:
            self.add(result)

    def counts(self):
        passed = sum(1 for r in self.results if r.passed)
        return passed, len(self.results) - passed


def print_result(result):
    label = f"{result.state} {result.file} {result.validator}"
    if result.passed:
        print(f"PASS {label}", flush=True)
        return
    print(f"FAIL {label}", flush=True)
    for problem in result.problems:
        for line in str(problem).rstrip().splitlines() or [""]:
            print(f"    {line}", flush=True)


@dataclass
class Rendered:
    """A state rendered into `out_dir`."""

    name: str
    state: dict
    state_path: str
    out_dir: str
    region: str
    key_value: str
    embedded: bool
    kms_key_arn: str = None

    def path(self, relative):
        return os.path.join(self.out_dir, relative)

    def exists(self, relative):
        return os.path.isfile(self.path(relative))

    def read(self, relative):
        with open(self.path(relative), encoding="utf-8") as handle:
            return handle.read()


def render(renderer, state_path, out_dir):
    """Run the renderer; return (problems, stdout document or None)."""
    try:
        completed = subprocess.run(
            [renderer, state_path, "--out", out_dir],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return [f"renderer timed out after {RENDER_TIMEOUT_SECONDS} s"], None
    problems = []
    document = None
    try:
        document = json.loads(completed.stdout)
    except ValueError as error:
        problems.append(f"stdout is not JSON ({error}): {completed.stdout[:500]!r}")
    if document is not None:
        missing = [m for m in ("state", "checks", "tools", "files") if m not in document]
        if missing:
            problems.append(f"stdout JSON lacks the members {missing}")
    if document is not None and isinstance(document.get("files"), dict):
        problems.extend(compare_files(document["files"], out_dir))
    if completed.returncode != 0:
        errors = [c for c in (document or {}).get("checks", []) if c.get("severity") == "error"]
        problems.append(
            f"renderer exited with code {completed.returncode}: "
            + (json.dumps(errors, ensure_ascii=False) if errors else completed.stderr.strip()[:2000])
        )
    return problems, document


def compare_files(files, out_dir):
    """Return differences between the stdout `files` member and the files written under `out_dir`."""
    problems = []
    on_disk = set()
    for folder, _, names in os.walk(out_dir):
        for name in names:
            on_disk.add(os.path.relpath(os.path.join(folder, name), out_dir))
    for relative in sorted(set(files) ^ on_disk):
        where = "only in stdout `files`" if relative in files else "only on disk"
        problems.append(f"{relative} is {where}")
    for relative in sorted(set(files) & on_disk):
        with open(os.path.join(out_dir, relative), encoding="utf-8") as handle:
            if handle.read() != files[relative]:
                problems.append(f"{relative} on disk differs from its text in stdout `files`")
    return problems


def state_region(state):
    return state.get("region") or "us-east-1"


def prepare_state(server, state_path, work_dir):
    """Reset the emulator, create the state's KMS key if it needs one, and write the state copy to render."""
    name = os.path.splitext(os.path.basename(state_path))[0]
    with open(state_path, encoding="utf-8") as handle:
        state = json.load(handle)
    server.reset()
    region = state_region(state)
    kms_key_arn = None
    rendered_state = copy.deepcopy(state)
    if state.get("kms") == "customer_managed":
        # The key must exist in the emulator, so its ARN replaces the one in
        # the state file.
        kms_key_arn = emulator.create_kms_key(server, region)
        rendered_state["kms_key_arn"] = kms_key_arn
    state_dir = os.path.join(work_dir, name)
    os.makedirs(state_dir, exist_ok=True)
    copy_path = os.path.join(state_dir, "state.json")
    with open(copy_path, "w", encoding="utf-8") as handle:
        json.dump(rendered_state, handle, ensure_ascii=False, indent=2)
    key_value = state.get("key_value")
    return Rendered(
        name=name,
        state=rendered_state,
        state_path=copy_path,
        out_dir=os.path.join(state_dir, "out"),
        region=region,
        key_value=key_value,
        embedded=bool(state.get("embed_key")) and bool(key_value),
        kms_key_arn=kms_key_arn,
    )


def load_policy(rendered):
    """Return (problems, parsed policy.json or None)."""
    try:
        return [], json.loads(rendered.read("policy.json"))
    except ValueError as error:
        return [f"policy.json does not parse as JSON: {error}"], None


def static_checks(tools, rendered, scratch_dir):
    """Run every validator that needs no emulator; return a list of Results."""
    results = []

    def add(file, validator, problems):
        results.append(Result(rendered.name, file, validator, problems))

    for relative in RENDERED_FILES:
        if not rendered.exists(relative):
            add(relative, "rendered", [f"{relative} was not written to {rendered.out_dir}"])

    if rendered.exists("policy.json"):
        problems, _ = load_policy(rendered)
        add("policy.json", "json", problems)
        if not problems:
            add("policy.json", "parliament", validators.parliament(tools, rendered.read("policy.json")))

    if rendered.exists("cli/setup.sh"):
        add("cli/setup.sh", "shellcheck", validators.shellcheck(tools, rendered.path("cli/setup.sh")))

    if rendered.exists("sam/template.yaml"):
        add("sam/template.yaml", "cfn-lint", validators.cfn_lint(tools, rendered.path("sam/template.yaml"), rendered.region))

    if rendered.exists("serverless/serverless.yml"):
        results.extend(serverless_checks(tools, rendered, scratch_dir))

    if rendered.exists("terraform/main.tf"):
        results.extend(terraform_checks(tools, rendered))

    if rendered.exists("console/steps.md"):
        policy_document = None
        if rendered.exists("policy.json"):
            _, policy_document = load_policy(rendered)
        add("console/steps.md", "json-blocks", validators.console_steps(rendered.read("console/steps.md"), policy_document))

    if rendered.key_value:
        for relative in RENDERED_FILES:
            if not rendered.exists(relative) or relative == "terraform/main.tf":
                continue
            if relative in KEY_FREE_FILES or not rendered.embedded:
                add(relative, "no-key-value", validators.key_absent(rendered.read(relative), rendered.key_value))
    return results


def serverless_checks(tools, rendered, scratch_dir):
    service_dir = os.path.join(scratch_dir, "serverless")
    shutil.rmtree(service_dir, ignore_errors=True)
    shutil.copytree(rendered.path("serverless"), service_dir)
    home = os.path.join(scratch_dir, "serverless-home")
    os.makedirs(home, exist_ok=True)
    results = []
    problems, configuration = validators.serverless_print(tools, service_dir, home)
    results.append(Result(rendered.name, "serverless/serverless.yml", "serverless print", problems))
    if configuration is not None:
        results.append(
            Result(
                rendered.name,
                "serverless/serverless.yml",
                "serverless package + cfn-lint",
                validators.serverless_package(tools, service_dir, home, configuration, rendered.region),
            )
        )
    return results


def terraform_checks(tools, rendered):
    path = rendered.path("terraform/main.tf")
    source = rendered.read("terraform/main.tf")
    inspected = validators.hcl_inspect(tools, [path])[path]
    file = "terraform/main.tf"
    results = [
        Result(rendered.name, file, "hcl2json", validators.hcl_parse(inspected)),
        Result(rendered.name, file, "hcl format", validators.hcl_format(inspected, source)),
        Result(rendered.name, file, "aws provider schema", validators.terraform_schema(inspected)),
    ]
    if rendered.key_value:
        results.append(
            Result(rendered.name, file, "no-key-value", validators.key_absent(source, rendered.key_value, inspected["parsed"]))
        )
    return results


def key_for_run(rendered):
    return rendered.key_value if rendered.key_value else DEFAULT_TEST_KEY


def emulator_checks(server, tools, rendered, scratch_dir, script_path=None):
    """Create the role and function, run setup.sh, and compare the emulator's state with the expected one.

    Returns (Results, secret ARN or None).
    """
    script_path = script_path or rendered.path("cli/setup.sh")
    fixture = emulator.create_fixture(server, rendered.state, rendered.kms_key_arn)
    key = key_for_run(rendered)
    stdin_text = None if rendered.embedded else key + "\n"
    started = time.monotonic()
    run = emulator.run_script(server, script_path, os.path.join(scratch_dir, "cli-run"), tools.venv_bin, stdin_text)
    with validators.TOOL_SECONDS_LOCK:
        validators.TOOL_SECONDS["setup.sh on moto_server"] += time.monotonic() - started
    results = []
    if run.timed_out or run.returncode != 0:
        reason = "timed out" if run.timed_out else f"exited with code {run.returncode}"
        results.append(Result(rendered.name, "cli/setup.sh", "bash run", [f"setup.sh {reason}:\n{run.output.strip()}"]))
    else:
        results.append(Result(rendered.name, "cli/setup.sh", "bash run", []))
    policy_document = None
    if rendered.exists("policy.json"):
        _, policy_document = load_policy(rendered)
    checked = emulator.check_emulator(server, fixture, rendered.state.get("secret_name"), key, policy_document)
    problems = checked.problems
    if problems and run.output.strip() and not (run.timed_out or run.returncode != 0):
        problems = problems + ["setup.sh output:\n" + run.output.strip()]
    results.append(Result(rendered.name, "cli/setup.sh", "emulator state", problems))
    return results, checked.secret_arn


def policy_checks(rendered, secret_arn):
    if not rendered.exists("policy.json"):
        return []
    problems, document = load_policy(rendered)
    if document is None:
        return []
    if secret_arn is None:
        problems = ["the secret was not created, so there is no ARN to match the policy against"]
    else:
        problems = policy.check_policy(document, secret_arn, rendered.kms_key_arn)
    return [Result(rendered.name, "policy.json", "resource match", problems)]


def negative_controls(server, tools, base, secret_arn, work_dir, base_results):
    """Run each validator on a broken copy of one of `base`'s files; it must reject the copy.

    A control counts only when the validator accepted the unbroken file, so
    `base_results` (the base state's own results) is consulted first.
    """
    results = []
    control_dir = os.path.join(work_dir, "negative-controls")
    os.makedirs(control_dir, exist_ok=True)
    original_failures = {(r.file, r.validator) for r in base_results if not r.passed}

    def record(file, validator, mutation, problems):
        name = f"negative-control({base.name})"
        label = f"{validator} rejects {mutation}"
        if (file, validator) in original_failures:
            results.append(
                Result(name, file, label, [f"the unbroken {file} already fails {validator}, so this control proves nothing"])
            )
        elif problems is None:
            results.append(Result(name, file, label, [f"the defect could not be introduced into {file}"]))
        elif problems:
            results.append(Result(name, file, label, []))
        else:
            results.append(Result(name, file, label, ["the validator accepted the broken file"]))

    def broken_copy(relative, mutate, *extra):
        if not base.exists(relative):
            return None
        text = mutate(base.read(relative), *extra)
        if text is None:
            return None
        path = os.path.join(control_dir, mutate.__name__, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    for mutate, description in [
        (controls.drop_quote, "a missing quote"),
        (controls.unquote_expansion, "an unquoted $"),
    ]:
        path = broken_copy("cli/setup.sh", mutate)
        record("cli/setup.sh", "shellcheck", description, None if path is None else validators.shellcheck(tools, path))

    path = broken_copy("cli/setup.sh", controls.stop_before_environment_update)
    if path is None:
        record("cli/setup.sh", "emulator state", "a script that skips the environment update", None)
    else:
        server.reset()
        checked, _ = emulator_checks(server, tools, base, os.path.join(control_dir, "emulator"), script_path=path)
        problems = [p for r in checked for p in r.problems]
        record("cli/setup.sh", "emulator state", "a script that skips the environment update", problems)

    path = broken_copy("policy.json", controls.drop_secret_suffix)
    if path is None or secret_arn is None:
        record("policy.json", "resource match", "a Resource without the -?????? suffix", None)
    else:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        record(
            "policy.json",
            "resource match",
            "a Resource without the -?????? suffix",
            policy.check_policy(document, secret_arn, base.kms_key_arn),
        )
    path = broken_copy("policy.json", controls.decrypt_on_alias)
    with open(path, encoding="utf-8") as handle:
        record("policy.json", "parliament", "kms:Decrypt on a key alias", validators.parliament(tools, handle.read()))

    path = broken_copy("sam/template.yaml", controls.break_yaml_indent)
    record(
        "sam/template.yaml",
        "cfn-lint",
        "a malformed YAML indent",
        None if path is None else validators.cfn_lint(tools, path, base.region),
    )

    path = broken_copy("serverless/serverless.yml", controls.break_yaml_indent)
    if path is None:
        record("serverless/serverless.yml", "serverless print", "a malformed YAML indent", None)
    else:
        home = os.path.join(control_dir, "serverless-home")
        os.makedirs(home, exist_ok=True)
        problems, _ = validators.serverless_print(tools, os.path.dirname(path), home)
        record("serverless/serverless.yml", "serverless print", "a malformed YAML indent", problems)

    terraform_controls = [
        (controls.add_invalid_argument, "aws provider schema", "an invalid resource argument", validators.terraform_schema),
        (controls.use_policy_attachment, "aws provider schema", "aws_iam_policy_attachment", validators.terraform_schema),
        (controls.unformat, "hcl format", "an unformatted file", None),
        (controls.drop_closing_brace, "hcl2json", "a missing closing brace", validators.hcl_parse),
    ]
    paths = []
    for mutate, validator, description, check in terraform_controls:
        paths.append(broken_copy("terraform/main.tf", mutate))
    leak_path = broken_copy("terraform/main.tf", controls.leak_key, key_for_run(base))
    inspected = validators.hcl_inspect(tools, [p for p in paths + [leak_path] if p])
    for path, (mutate, validator, description, check) in zip(paths, terraform_controls):
        if path is None:
            record("terraform/main.tf", validator, description, None)
            continue
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        if check is None:
            problems = validators.hcl_format(inspected[path], source)
        else:
            problems = check(inspected[path])
        record("terraform/main.tf", validator, description, problems)
    if leak_path is not None:
        with open(leak_path, encoding="utf-8") as handle:
            source = handle.read()
        record(
            "terraform/main.tf",
            "no-key-value",
            "the key value written into the file",
            validators.key_absent(source, key_for_run(base), inspected[leak_path]["parsed"]),
        )
    return results


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renderer", required=True, help="path of the apm-secrets-render binary")
    parser.add_argument("--states", default=os.path.join(SUITE_DIR, "states"), help="folder of state JSON files")
    parser.add_argument("--only", action="append", default=[], help="run only states whose file name contains this text (repeatable)")
    parser.add_argument("--work-dir", help="folder for rendered files and scratch files (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder even when everything passed")
    parser.add_argument("--jobs", type=int, default=2, help="validators run in parallel with the emulator runs (default 2)")
    return parser.parse_args()


@dataclass
class StateRun:
    """One state's results: those from the emulator now, the static validators' later."""

    name: str
    emulator_results: list
    static_results: Future
    rendered: Rendered = None
    secret_arn: str = None


def harness_error(name, stage):
    return Result(name, "-", f"harness ({stage})", [f"the suite itself failed:\n{traceback.format_exc()}"])


def run_state(server, tools, pool, renderer, state_path, work_dir):
    """Render one state, queue its static validators on `pool` and run its script against the emulator."""
    name = os.path.splitext(os.path.basename(state_path))[0]
    try:
        rendered = prepare_state(server, state_path, work_dir)
        problems, _ = render(renderer, rendered.state_path, rendered.out_dir)
    except Exception:
        failed = Future()
        failed.set_result([])
        return StateRun(name, [harness_error(name, "render")], failed)
    results = [Result(name, "-", "render", problems)]
    scratch_dir = os.path.join(work_dir, name, "scratch")
    os.makedirs(scratch_dir, exist_ok=True)
    static_results = pool.submit(static_checks_guarded, tools, rendered, scratch_dir)
    secret_arn = None
    try:
        if rendered.exists("cli/setup.sh"):
            emulator_results, secret_arn = emulator_checks(server, tools, rendered, scratch_dir)
            results.extend(emulator_results)
        results.extend(policy_checks(rendered, secret_arn))
    except Exception:
        results.append(harness_error(name, "emulator"))
    return StateRun(name, results, static_results, rendered, secret_arn)


def static_checks_guarded(tools, rendered, scratch_dir):
    try:
        return static_checks(tools, rendered, scratch_dir)
    except Exception:
        return [harness_error(rendered.name, "validators")]


def print_ready(runs, report, printed, wait):
    """Print the runs from index `printed` on whose static validators are done; return the new index."""
    while printed < len(runs) and (wait or runs[printed].static_results.done()):
        run = runs[printed]
        report.extend(run.emulator_results)
        report.extend(run.static_results.result())
        printed += 1
    return printed


def main():
    arguments = parse_arguments()
    # Turn SIGTERM into SystemExit, so the `finally` below still stops moto_server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.monotonic()
    tools = validators.Tools(SUITE_DIR)
    state_paths = sorted(glob.glob(os.path.join(arguments.states, "*.json")))
    if arguments.only:
        state_paths = [p for p in state_paths if any(o in os.path.basename(p) for o in arguments.only)]
    if not state_paths:
        print(f"no state files matched in {arguments.states}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    work_dir = arguments.work_dir or tempfile.mkdtemp(prefix="apm-validate-")
    os.makedirs(work_dir, exist_ok=True)
    report = Report()
    server = emulator.MotoServer(tools.moto_server, os.path.join(work_dir, "moto_server.log"))
    try:
        runs = []
        printed = 0
        # The emulator runs one state at a time in this thread, while the
        # other validators of earlier states run on the pool. Each state's
        # lines are printed together, in state order.
        with ThreadPoolExecutor(max_workers=max(1, arguments.jobs)) as pool:
            for state_path in state_paths:
                runs.append(run_state(server, tools, pool, arguments.renderer, state_path, work_dir))
                printed = print_ready(runs, report, printed, wait=False)
            print_ready(runs, report, printed, wait=True)
        run_negative_controls(server, tools, runs, report, work_dir)
    finally:
        server.stop()

    passed, failed = report.counts()
    elapsed = time.monotonic() - started
    kept = failed or arguments.keep or arguments.work_dir
    print(f"work folder: {work_dir}" + (" (kept)" if kept else " (removed)"))
    tool_times = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in validators.TOOL_SECONDS.most_common())
    print(f"time: {elapsed:.0f} s; per tool, summed over parallel runs: {tool_times}")
    if not kept:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def run_negative_controls(server, tools, runs, report, work_dir):
    """Break files of one state on purpose and record whether each validator rejects them.

    The base is the first state that uses the AWS-managed key (a
    customer-managed key would not survive the emulator reset) and whose
    script ran cleanly.
    """
    for run in runs:
        if run.rendered is None or run.rendered.kms_key_arn is not None or run.secret_arn is None:
            continue
        base_results = [r for r in report.results if r.state == run.name]
        if all(r.passed for r in base_results if r.file == "cli/setup.sh"):
            try:
                report.extend(negative_controls(server, tools, run.rendered, run.secret_arn, work_dir, base_results))
            except Exception:
                report.add(harness_error("negative-control", "controls"))
            return
    report.add(
        Result(
            "negative-control",
            "-",
            "setup",
            ["no state with the AWS-managed key ran setup.sh cleanly, so there is no valid file to break on purpose"],
        )
    )


if __name__ == "__main__":
    sys.exit(main())
