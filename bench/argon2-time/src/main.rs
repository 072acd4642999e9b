//! Prints the time of `etterlev_auth::hash_password` and `verify_password`
//! (the argon2id work done by one `POST /login`), N runs each, as JSON.

use std::time::Instant;

fn stats(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    format!(
        r#"{{"n":{n},"mean_ms":{mean:.2},"median_ms":{median:.2},"min_ms":{:.2},"max_ms":{:.2}}}"#,
        v[0],
        v[n - 1]
    )
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let pw = "Demo-passord-2026";
    // One untimed warm-up (page faults of the first 19 MiB allocation).
    let phc = etterlev_auth::hash_password(pw).expect("hash");
    let mut hash = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let h = etterlev_auth::hash_password(pw).expect("hash");
        hash.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(h);
    }
    let mut verify = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let ok = etterlev_auth::verify_password(pw, &phc);
        verify.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(ok);
    }
    println!(
        r#"{{"params":{{"m_kib":{},"t":{},"p":{}}},"hash":{},"verify":{}}}"#,
        etterlev_auth::password::MEMORY_KIB,
        etterlev_auth::password::ITERATIONS,
        etterlev_auth::password::PARALLELISM,
        stats(hash),
        stats(verify)
    );
}
