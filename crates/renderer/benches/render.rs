//! Renderer throughput: every tool's guide and every file for one state.
//! Run with `cargo bench -p apm-secrets-renderer`.

use apm_secrets_renderer::{Auth, Kms, State, Tool, render};
use criterion::{Criterion, criterion_group, criterion_main};

/// A state with every field filled and a 4 KB key, the heaviest case.
fn full_state() -> State {
    State {
        auth: Auth::ApiKey,
        secret_name: "prod/elastic-apm/orders".to_owned(),
        key_value: Some("k".repeat(4096)),
        embed_key: true,
        kms: Kms::CustomerManaged,
        kms_key_arn: Some(
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                .to_owned(),
        ),
        region: "eu-west-1".to_owned(),
        account_id: Some("111122223333".to_owned()),
        function_name: Some("orders-api".to_owned()),
        role: Some("arn:aws:iam::111122223333:role/service-role/orders".to_owned()),
        apm_server_url: Some("https://orders.apm.eu-west-1.aws.cloud.es.io:443".to_owned()),
        in_vpc: true,
        tool: Tool::Cli,
    }
}

fn bench_render(criterion: &mut Criterion) {
    let full = full_state();
    criterion.bench_function("render all tools, full state with 4 KB key", |bencher| {
        bencher.iter(|| render(std::hint::black_box(full.clone())))
    });
    criterion.bench_function("render all tools, default state", |bencher| {
        bencher.iter(|| render(std::hint::black_box(State::default())))
    });
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
