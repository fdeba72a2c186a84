//! Renders the guide for a wizard state given as JSON.
//!
//! Usage: `apm-secrets-render [--out DIR] STATE.json` (or `-` for standard
//! input). Prints one JSON document with the members `state`, `checks`,
//! `tools` and `files`. Exit status: 0 without error checks, 1 with one
//! (the JSON is still printed), 2 for unreadable or malformed input.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apm_secrets_renderer::{State, render};

const USAGE: &str = "usage: apm-secrets-render [--out DIR] STATE.json\n\
    Reads a wizard state (a JSON object; `-` reads standard input) and prints\n\
    the rendered guide as JSON. --out DIR also writes the rendered files there.";

struct Arguments {
    input: String,
    out: Option<PathBuf>,
}

fn parse_arguments() -> Result<Arguments, String> {
    let mut input = None;
    let mut out = None;
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--out" => {
                let dir = arguments
                    .next()
                    .ok_or("--out needs a directory, as in `--out rendered/`")?;
                out = Some(PathBuf::from(dir));
            }
            other if other.starts_with("--out=") => {
                out = Some(PathBuf::from(&other["--out=".len()..]));
            }
            other if other.starts_with('-') && other != "-" => {
                return Err(format!("unknown option `{other}`"));
            }
            other if input.is_none() => input = Some(other.to_owned()),
            other => {
                return Err(format!(
                    "unexpected argument `{other}`: give one state file"
                ));
            }
        }
    }
    let input = input.ok_or("missing the state file: give a path, or `-` for standard input")?;
    Ok(Arguments { input, out })
}

fn read_state(input: &str) -> Result<State, String> {
    let (name, text) = if input == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        ("<stdin>".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(input)
            .map_err(|error| format!("cannot read `{input}`: {error}"))?;
        (input.to_owned(), text)
    };
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let state: State = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let place = format!("{name}:{}:{}", inner.line(), inner.column());
        // serde_json appends the position, which `place` already gives.
        let text = inner.to_string();
        let reason = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(reason, _)| reason);
        if path == "." {
            format!("{place}: invalid state: {reason}")
        } else {
            format!("{place}: field `{path}`: {reason}")
        }
    })?;
    deserializer
        .end()
        .map_err(|error| format!("{name}:{}:{}: {error}", error.line(), error.column()))?;
    Ok(state)
}

fn write_files(dir: &Path, files: &std::collections::BTreeMap<&str, String>) -> Result<(), String> {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create `{}`: {error}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .map_err(|error| format!("cannot write `{}`: {error}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let arguments = match parse_arguments() {
        Ok(arguments) => arguments,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("apm-secrets-render: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let state = match read_state(&arguments.input) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("apm-secrets-render: {message}");
            return ExitCode::from(2);
        }
    };
    let rendering = render(state);
    // The files come first, so that a reader that closes standard output
    // early (such as `head`) cannot stop them from being written.
    if let Some(dir) = &arguments.out
        && let Err(message) = write_files(dir, &rendering.files)
    {
        eprintln!("apm-secrets-render: {message}");
        return ExitCode::from(2);
    }
    let json = serde_json::to_string_pretty(&rendering).expect("the rendering always serializes");
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{json}").and_then(|()| stdout.flush()) {
        Ok(()) => {}
        // A closed pipe means the reader has seen enough: not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => {
            eprintln!("apm-secrets-render: cannot write to standard output: {error}");
            return ExitCode::from(2);
        }
    }
    if rendering.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
