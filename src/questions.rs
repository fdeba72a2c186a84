//! The questions, in the order the guide needs them, each with its checks
//! shown right below it.

use apm_secrets_renderer::arn::encode_api_key;
use apm_secrets_renderer::link;
use apm_secrets_renderer::regions::{Partition, REGIONS, Region, find_region};
use apm_secrets_renderer::{Auth, Check, CheckId, Field, Kms, Severity, State, Tool};
use leptos::prelude::*;

use crate::app::Wizard;
use crate::browser;
use crate::copy::CopyButton;
use crate::text::{inline_html, push_inline_html};

/// Returns the id of the input element that answers `field`.
pub fn field_id(field: Field) -> String {
    format!("field-{}", field.as_str())
}

/// Returns the visible label of the question that answers `field`.
pub fn field_label(field: Field) -> &'static str {
    field.label()
}

/// Turns an emptied text field into "not given".
fn optional(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

/// Renders every question of the wizard, and a way to share the answers.
#[component]
pub fn Questions(
    /// The wizard's state.
    wizard: Wizard,
) -> impl IntoView {
    let customer_key = move || {
        wizard
            .answers
            .with(|state| state.kms == Kms::CustomerManaged)
    };

    view! {
        <section class="questions" aria-labelledby="questions-heading">
            <h2 id="questions-heading">"Your setup"</h2>

            <h3>"The secret"</h3>
            <Choice
                wizard
                field=Field::Auth
                hint="The kind of credential the APM Server expects from the extension."
                options=Auth::ALL.map(Auth::label).to_vec()
                read=|state| Auth::ALL.iter().position(|auth| *auth == state.auth).unwrap_or(0)
                write=|state, index| state.auth = Auth::ALL[index]
            />
            <TextField
                wizard
                field=Field::SecretName
                hint="The secret's name in Secrets Manager: up to 512 letters, digits and `/_+=.@-`."
                read=|state| state.secret_name.clone()
                write=|state, value| state.secret_name = value
            />
            <KeyField wizard />
            <Toggle
                wizard
                field=Field::EmbedKey
                hint="On: the commands contain the key as typed. Off: they read it at a prompt or from a sensitive variable, which keeps it out of shell history, files and state."
                read=|state| state.embed_key
                write=|state, value| state.embed_key = value
            />

            <Choice
                wizard
                field=Field::Kms
                hint="A customer-managed key also needs `kms:Decrypt` for the execution role."
                options=vec!["AWS-managed key (aws/secretsmanager)", "Customer-managed KMS key"]
                read=|state| Kms::ALL.iter().position(|kms| *kms == state.kms).unwrap_or(0)
                write=|state, index| state.kms = Kms::ALL[index]
            />
            <Show when=customer_key>
                <TextField
                    wizard
                    field=Field::KmsKeyArn
                    hint="The key ARN, `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`, from the key's page in the KMS console. An alias does not work in an IAM policy."
                    read=|state| state.kms_key_arn.clone().unwrap_or_default()
                    write=|state, value| state.kms_key_arn = optional(value)
                />
            </Show>

            <h3>"The function"</h3>
            <RegionField wizard />
            <TextField
                wizard
                field=Field::AccountId
                hint="12 digits, from the account menu of the AWS console. Optional: the policy shows a placeholder without it."
                input_mode="numeric"
                read=|state| state.account_id.clone().unwrap_or_default()
                write=|state, value| state.account_id = optional(value)
            />
            <TextField
                wizard
                field=Field::FunctionName
                hint="The Lambda function's name or ARN."
                read=|state| state.function_name.clone().unwrap_or_default()
                write=|state, value| state.function_name = optional(value)
            />
            <TextField
                wizard
                field=Field::Role
                hint="Role name or ARN, from the function's Configuration > Permissions page. Optional: the AWS CLI steps can look it up."
                read=|state| state.role.clone().unwrap_or_default()
                write=|state, value| state.role = optional(value)
            />
            <TextField
                wizard
                field=Field::ApmServerUrl
                hint="The APM endpoint from Kibana's APM integration page, such as `https://my-deployment.apm.us-east-1.aws.cloud.es.io:443`. Optional."
                input_type="url"
                read=|state| state.apm_server_url.clone().unwrap_or_default()
                write=|state, value| state.apm_server_url = optional(value)
            />
            <Toggle
                wizard
                field=Field::InVpc
                hint="The extension then needs a NAT gateway or a Secrets Manager VPC endpoint to reach Secrets Manager."
                read=|state| state.in_vpc
                write=|state, value| state.in_vpc = value
            />

            <Choice
                wizard
                field=Field::Tool
                hint="Which steps to show. The tabs of the steps change it too."
                options=Tool::ALL.map(Tool::label).to_vec()
                read=|state| Tool::ALL.iter().position(|tool| *tool == state.tool).unwrap_or(0)
                write=|state, index| state.tool = Tool::ALL[index]
            />

            <div class="share">
                <CopyButton
                    label="Copy link"
                    text=Callback::new(move |_| {
                        // The address bar may lag behind the answers by a
                        // moment, so the link is brought up to date first.
                        let fragment = wizard.answers.with_untracked(link::encode);
                        browser::replace_fragment(&fragment);
                        browser::page_url()
                    })
                    select_instead=Callback::new(|_| false)
                    failure="The browser blocked the clipboard: copy the address from the address bar instead."
                />
                <p class="hint">"The link carries every answer except the key."</p>
            </div>
        </section>
    }
}

/// Returns the ids that describe a field's input: its hint and its messages.
fn described_by(field: Field) -> String {
    let id = field_id(field);
    format!("{id}-hint {id}-messages")
}

/// Renders the hint below a question's label.
#[component]
fn Hint(
    /// The question the hint belongs to.
    field: Field,
    /// One line; text between backticks is shown as code.
    text: &'static str,
) -> impl IntoView {
    view! {
        <p class="hint" id=format!("{}-hint", field_id(field)) inner_html=inline_html(text)></p>
    }
}

/// Renders the checks of one field, announced to screen readers when they
/// change.
#[component]
fn FieldMessages(
    /// The question whose checks these are.
    field: Field,
    /// The checks, as returned by [`Wizard::checks`].
    checks: Memo<Vec<Check>>,
) -> impl IntoView {
    // One HTML string, replaced whole rather than updated per message: the
    // memo changes only when the field's checks do, and a field has one or
    // two of them.
    let messages = move || {
        checks.with(|list| {
            let mut html = String::new();
            for check in list {
                let (class, severity) = match check.severity {
                    Severity::Error => ("message error", "Error: "),
                    Severity::Warning => ("message warning", "Note: "),
                };
                html.push_str(&format!("<p class=\"{class}\"><strong>{severity}</strong>"));
                push_inline_html(&mut html, &check.message);
                html.push_str("</p>");
            }
            html
        })
    };

    view! {
        <div class="messages" id=format!("{}-messages", field_id(field)) aria-live="polite" inner_html=messages></div>
    }
}

/// Returns whether `checks` contain an error, as the value of `aria-invalid`.
fn invalid(checks: Memo<Vec<Check>>) -> &'static str {
    let has_error = checks.with(|list| list.iter().any(|check| check.severity == Severity::Error));
    if has_error { "true" } else { "false" }
}

/// Renders a one-line text question.
#[component]
fn TextField(
    /// The wizard's state.
    wizard: Wizard,
    /// The answer this question sets.
    field: Field,
    /// One line below the label.
    hint: &'static str,
    /// Reads the answer from the state.
    read: fn(&State) -> String,
    /// Writes the typed text into the state.
    write: fn(&mut State, String),
    /// The `type` of the input element.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The `inputmode` of the input element, for on-screen keyboards.
    #[prop(optional)]
    input_mode: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(field);
    let checks = wizard.checks(field);
    let value = Memo::new(move |_| wizard.answers.with(read));

    view! {
        <div class="field">
            <label for=id.clone()>{field_label(field)}</label>
            <Hint field text=hint />
            <input
                id=id
                type=input_type
                inputmode=input_mode
                autocomplete="off"
                spellcheck="false"
                autocapitalize="off"
                aria-describedby=described_by(field)
                aria-invalid=move || invalid(checks)
                prop:value=move || value.get()
                on:input=move |event| {
                    let text = event_target_value(&event);
                    wizard.update(|state| write(state, text));
                }
            />
            <FieldMessages field checks />
        </div>
    }
}

/// Renders a question with a few answers as a group of radio buttons.
#[component]
fn Choice(
    /// The wizard's state.
    wizard: Wizard,
    /// The answer this question sets.
    field: Field,
    /// One line below the legend.
    hint: &'static str,
    /// The label of each answer, in order.
    options: Vec<&'static str>,
    /// Reads the index of the chosen answer from the state.
    read: fn(&State) -> usize,
    /// Writes the chosen answer's index into the state.
    write: fn(&mut State, usize),
) -> impl IntoView {
    let checks = wizard.checks(field);
    let chosen = Memo::new(move |_| wizard.answers.with(read));
    let name = field_id(field);

    let radios = options
        .into_iter()
        .enumerate()
        .map(|(index, label)| {
            view! {
                <label class="option">
                    <input
                        type="radio"
                        name=name.clone()
                        prop:checked=move || chosen.get() == index
                        on:change=move |_| wizard.update(|state| write(state, index))
                    />
                    {label}
                </label>
            }
        })
        .collect_view();

    view! {
        <fieldset class="field" id=field_id(field) aria-describedby=described_by(field)>
            <legend>{field_label(field)}</legend>
            <Hint field text=hint />
            <div class="options">{radios}</div>
            <FieldMessages field checks />
        </fieldset>
    }
}

/// Renders a yes-or-no question as a checkbox.
#[component]
fn Toggle(
    /// The wizard's state.
    wizard: Wizard,
    /// The answer this question sets.
    field: Field,
    /// One line below the checkbox.
    hint: &'static str,
    /// Reads the answer from the state.
    read: fn(&State) -> bool,
    /// Writes the answer into the state.
    write: fn(&mut State, bool),
) -> impl IntoView {
    let id = field_id(field);
    let checks = wizard.checks(field);
    let checked = Memo::new(move |_| wizard.answers.with(read));

    view! {
        <div class="field toggle">
            <input
                type="checkbox"
                id=id.clone()
                aria-describedby=described_by(field)
                prop:checked=move || checked.get()
                on:change=move |event| {
                    let value = event_target_checked(&event);
                    wizard.update(|state| write(state, value));
                }
            />
            <label for=id>{field_label(field)}</label>
            <Hint field text=hint />
            <FieldMessages field checks />
        </div>
    }
}

/// Renders the key question: masked until revealed, kept only in memory,
/// with a button to forget the key and one to encode a raw API key.
#[component]
fn KeyField(
    /// The wizard's state.
    wizard: Wizard,
) -> impl IntoView {
    let field = Field::KeyValue;
    let id = field_id(field);
    let checks = wizard.checks(field);
    let revealed = RwSignal::new(false);
    let auth = Memo::new(move |_| wizard.answers.with(|state| state.auth));
    let is_raw_api_key = move || {
        checks.with(|list| {
            list.iter()
                .any(|check| check.id == CheckId::KeyValueRawApiKey)
        })
    };
    let is_empty = move || wizard.key.with(String::is_empty);

    let input = NodeRef::<leptos::html::Input>::new();
    let converted = RwSignal::new(false);
    // The button disappears once the value is converted, so focus goes back
    // to the key field instead of falling to the page, and a status line
    // confirms the change.
    let convert_to_base64 = move |_| {
        wizard.key.update(|key| *key = encode_api_key(key));
        converted.set(true);
        if let Some(element) = input.get() {
            let _ = element.focus();
        }
    };
    let forget = move |_| {
        wizard.forget_key();
        revealed.set(false);
        converted.set(false);
    };

    // No `name` attribute and no enclosing form, so that password managers
    // have nothing to save; `autocomplete="off"` keeps autofill away.
    view! {
        <div class="field">
            <label for=id.clone()>
                {move || format!("{} (optional)", auth.get().label())}
            </label>
            <p class="hint" id=format!("{id}-hint")>
                "Stays in this page's memory only: never stored and never put in the link. "
                "Without it, the steps read the key from a prompt or a sensitive variable."
            </p>
            <div class="key-row">
                <input
                    id=id.clone()
                    type=move || if revealed.get() { "text" } else { "password" }
                    autocomplete="off"
                    spellcheck="false"
                    autocapitalize="off"
                    aria-describedby=described_by(field)
                    aria-invalid=move || invalid(checks)
                    node_ref=input
                    prop:value=move || wizard.key.get()
                    on:input=move |event| {
                        converted.set(false);
                        wizard.key.set(event_target_value(&event));
                    }
                />
                <button
                    type="button"
                    aria-controls=id
                    aria-pressed=move || if revealed.get() { "true" } else { "false" }
                    on:click=move |_| revealed.update(|shown| *shown = !*shown)
                >
                    "Show key"
                </button>
                <button type="button" disabled=is_empty on:click=forget>
                    "Forget the key"
                </button>
            </div>
            <FieldMessages field checks />
            <Show when=is_raw_api_key>
                <button type="button" on:click=convert_to_base64>
                    "Convert to base64"
                </button>
            </Show>
            <p class="hint" role="status">
                {move || converted.get().then_some("Converted to the base64 form the APM Server expects.")}
            </p>
        </div>
    }
}

/// Returns whether `region` matches the filter text, by code or by name. ASCII
/// case folding is enough for the region list, and Unicode case tables
/// would add kilobytes to the page.
fn region_matches(region: &Region, filter: &str) -> bool {
    let filter = filter.trim().to_ascii_lowercase();
    filter.is_empty()
        || region.code.contains(&filter)
        || region.name.to_ascii_lowercase().contains(&filter)
}

/// Renders the region question: a list grouped by partition, with a filter.
#[component]
fn RegionField(
    /// The wizard's state.
    wizard: Wizard,
) -> impl IntoView {
    let field = Field::Region;
    let id = field_id(field);
    let filter_id = format!("{id}-filter");
    let checks = wizard.checks(field);
    let current = Memo::new(move |_| wizard.answers.with(|state| state.region.clone()));
    let filter = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        filter.with(|text| {
            REGIONS
                .iter()
                .filter(|region| region_matches(region, text))
                .map(|region| region.code)
                .collect::<Vec<_>>()
        })
    });
    let choose = move |code: &str| {
        let code = code.to_owned();
        wizard.update(|state| state.region = code);
    };

    // A filter that leaves a single region picks it; Enter picks the first.
    let on_filter_input = move |event| {
        filter.set(event_target_value(&event));
        if let [only] = matches.get_untracked()[..] {
            choose(only);
        }
    };
    let on_filter_keydown = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Enter" {
            event.prevent_default();
            if let Some(first) = matches.get_untracked().first() {
                choose(first);
            }
        }
    };
    let match_count = move || {
        if filter.with(|text| text.trim().is_empty()) {
            return None;
        }
        let count = matches.with(Vec::len);
        let chosen = current.get();
        let chosen_matches = matches.with(|list| list.contains(&chosen.as_str()));
        Some(match count {
            0 => {
                "No region matches: check the spelling, as in eu-central-1 or Frankfurt.".to_owned()
            }
            1 => "1 region matches; it is chosen.".to_owned(),
            count if chosen_matches => format!("{count} regions match."),
            count => format!(
                "{count} regions match; press Enter for the first, or pick one in the list. The current choice, {chosen}, does not match."
            ),
        })
    };

    let groups = Partition::ALL
        .into_iter()
        .map(|partition| {
            let in_partition = move || {
                REGIONS
                    .iter()
                    .filter(move |candidate| candidate.partition == partition)
            };
            // The chosen region stays visible whatever the filter text is.
            let hidden = move |code: &'static str| {
                current.with(|chosen| chosen != code) && matches.with(|list| !list.contains(&code))
            };
            let options = in_partition()
                .map(|candidate| {
                    let code = candidate.code;
                    view! {
                        <option
                            value=code
                            prop:selected=move || current.with(|chosen| chosen == code)
                            hidden=move || hidden(code)
                        >
                            {format!("{code}: {}", candidate.name)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <optgroup
                    label=partition.label()
                    hidden=move || in_partition().all(|candidate| hidden(candidate.code))
                >
                    {options}
                </optgroup>
            }
        })
        .collect_view();

    view! {
        <div class="field">
            <label for=id.clone()>{field_label(field)}</label>
            <Hint field text="The function's region: the extension reads the secret only there." />
            <div class="region-row">
                <select
                    id=id
                    aria-describedby=described_by(field)
                    aria-invalid=move || invalid(checks)
                    on:change=move |event| choose(&event_target_value(&event))
                >
                    {move || {
                        let code = current.get();
                        find_region(&code).is_none().then(|| {
                            view! {
                                <option value=code.clone() selected>
                                    {format!("{code} (not a known region)")}
                                </option>
                            }
                        })
                    }}
                    {groups}
                </select>
                <label class="filter">
                    <span>"Filter the list"</span>
                    <input
                        id=filter_id
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="eu-west, Tokyo…"
                        prop:value=move || filter.get()
                        on:input=on_filter_input
                        on:keydown=on_filter_keydown
                    />
                </label>
            </div>
            <p class="hint" aria-live="polite">{match_count}</p>
            <FieldMessages field checks />
        </div>
    }
}
