//! Generated passwords sign in. A password manager's password is a run of random symbols, and
//! such runs hold `|w`, `'#` or `x;ls` by chance; screening must not lock their owners out.
//! Thousands of passwords from a fixed pseudo-random sequence go through `Policy::evaluate` as
//! the password field of a login form, in `open` mode; the refusals must stay under 0.1%.

use qila::{Action, Policy, Request};

/// xorshift64*: the same sequence on every machine, with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` passwords of 12 to 24 characters drawn from `alphabet`.
fn passwords(seed: u64, n: usize, alphabet: &[u8]) -> Vec<String> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let len = 12 + rng.below(13);
            (0..len)
                .map(|_| char::from(alphabet[rng.below(alphabet.len())]))
                .collect()
        })
        .collect()
}

fn form_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Those of `passwords` that the login form refuses when sent in the field `field`.
fn refused(passwords: &[String], field: &str) -> Vec<String> {
    let policy = Policy::from_toml("mode = \"open\"\n").expect("policy");
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    passwords
        .iter()
        .filter(|p| {
            let body = format!("username=ayesha&{field}={}", form_component(p));
            let req = Request::new("POST", "/accounts/login/")
                .headers(&headers)
                .body(body.as_bytes());
            policy.evaluate(&req).action() != Action::Allow
        })
        .cloned()
        .collect()
}

const PRINTABLE: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

#[test]
fn passwords_of_every_printable_symbol_sign_in() {
    let all = passwords(0x5EED_0001, 20_000, PRINTABLE);
    let refused = refused(&all, "password");
    eprintln!("{} of {} refused", refused.len(), all.len());
    assert!(
        refused.len() <= 20,
        "{} of {} refused, more than 0.1%: {:?}",
        refused.len(),
        all.len(),
        &refused[..refused.len().min(20)]
    );
}

#[test]
fn passwords_of_a_password_managers_symbols_sign_in() {
    let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*";
    let all = passwords(0x5EED_0002, 20_000, alphabet);
    let refused = refused(&all, "password");
    eprintln!("{} of {} refused", refused.len(), all.len());
    assert!(
        refused.len() <= 4,
        "{} of {} refused: {:?}",
        refused.len(),
        all.len(),
        refused
    );
}

#[test]
fn an_injection_in_a_password_field_is_still_refused() {
    let attacks = [
        "x' or '1'='1",
        "' or 1=1--",
        "x'; drop table users--",
        "'||(select password from users limit 1)||'",
        "*)(userPassword=*))(|(cn=*",
        " ;cat /etc/passwd",
        "$(id)",
    ];
    let attacks: Vec<String> = attacks.iter().map(|s| s.to_string()).collect();
    assert_eq!(refused(&attacks, "password"), attacks);
}
