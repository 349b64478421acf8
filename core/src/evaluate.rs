//! The pipeline, in one place: request view → normalised path and client address → intent →
//! policy rules → verdict. Screening plugs in after the lockdown rules.

use crate::classify::{Malformed, Surfaces, classify_in};
use crate::client_ip;
use crate::path::{self, PathFlags};
use crate::policy::{Mode, OnLimit, OnMalformed, Policy};
use crate::request::Request;
use crate::response::{BodyFormat, choose_format};
use crate::screen::{self, Screening};
use crate::time::Timestamp;
use crate::verdict::{Action, AllowedBy, Reason, Verdict};

impl Policy {
    /// Decides what to do with `req` now.
    ///
    /// ```
    /// use qila::{Policy, Request, Action};
    /// let policy = Policy::default(); // read-only
    /// let v = policy.evaluate(&Request::new("POST", "/contact"));
    /// assert_eq!(v.action(), Action::Block);
    /// assert_eq!(v.reason().unwrap().code(), "write-in-lockdown");
    /// ```
    pub fn evaluate<'a>(&'a self, req: &Request<'a>) -> Verdict<'a> {
        self.evaluate_at(req, Timestamp::now())
    }

    /// Decides what to do with `req` as if the time were `now` (for `until` and the audit
    /// event's time).
    pub fn evaluate_at<'a>(&'a self, req: &Request<'a>, now: Timestamp) -> Verdict<'a> {
        let cfg = &self.config;
        let mode = self.mode_at(now);

        // 1. What is asked for, and by whom.
        let path = path::normalize(req.path());
        let headers = req.header_view();
        let client = client_ip::resolve(req.peer_addr(), &headers, &cfg.proxy);
        let p = path.as_str();
        // When a proxy chain held something that is not an address, the address we have is a
        // proxy's own: it never opens what is reserved for networks (admin, writers).
        let trusted_client = !client.malformed;

        // 2. What it does.
        let lists = self.path_lists(p);
        let mut intent = classify_in(req, p, self, lists);
        if path.flags().contains(PathFlags::NUL) {
            intent.malformed.get_or_insert(Malformed::NulInPath);
        }
        let admin = lists.admin();
        if admin {
            intent.surfaces.insert(Surfaces::ADMIN);
        }

        // 3. The rules, strongest first.
        let mut allowed_by = None;
        let refusal = if lists.deny() {
            Some(Reason::DeniedPath)
        } else if intent.malformed.is_some() && cfg.on_malformed == OnMalformed::Block {
            Some(Reason::MalformedRequest)
        } else if admin && !(trusted_client && cfg.admin.allow.contains(client.ip)) {
            Some(Reason::AdminNetwork)
        } else if !intent.write {
            allowed_by = Some(AllowedBy::Read);
            None
        } else if mode == Mode::Open {
            allowed_by = Some(AllowedBy::OpenMode);
            None
        } else {
            let lock = &cfg.lockdown;
            let ci = lock.case_insensitive;
            // Rules that relax the lockdown never apply to a path that two servers could read
            // differently (see `PathFlags::AMBIGUOUS`).
            let clear_path = !path.flags().is_ambiguous();
            if clear_path && lock.exempt.any(p, ci) {
                allowed_by = Some(AllowedBy::Exempt);
                None
            } else if clear_path
                && intent.override_method.is_none()
                && !intent.surfaces.contains(Surfaces::GRAPHQL)
                && lock
                    .safe_writes
                    .iter()
                    .any(|s| s.matches(req.method(), p, ci))
            {
                allowed_by = Some(AllowedBy::SafeWrite);
                None
            } else if trusted_client && lock.writers.contains(client.ip) {
                allowed_by = Some(AllowedBy::Writer);
                None
            } else {
                Some(Reason::WriteInLockdown)
            }
        };

        // 4. Screening: what still comes in is checked for attacks, in every mode.
        let mut screening = Screening::default();
        let refusal = match refusal {
            None if cfg.screening.enabled => {
                screening = screen::screen(req, p, &cfg.screening);
                if let Some(first) = screening.findings.first() {
                    allowed_by = None;
                    Some(Reason::from_check(first.check))
                } else if screening.limit.is_some() && cfg.screening.on_limit == OnLimit::Block {
                    allowed_by = None;
                    Some(Reason::LimitExceeded)
                } else {
                    None
                }
            }
            other => other,
        };

        let action = match (refusal, mode) {
            (None, _) => Action::Allow,
            (Some(_), Mode::Monitor) => Action::Monitor,
            (Some(_), _) => Action::Block,
        };
        // Only a refusal has a body to format.
        let format = if refusal.is_some() {
            let xhr = headers
                .get("x-requested-with")
                .is_some_and(|v| v.eq_ignore_ascii_case(b"XMLHttpRequest"));
            choose_format(headers.get("accept"), req.content_type(), xhr)
        } else {
            BodyFormat::Html
        };
        Verdict {
            action,
            reason: refusal,
            mode,
            intent,
            client,
            path,
            allowed_by,
            admin,
            format,
            time: now,
            screening,
            policy: self,
            request: *req,
        }
    }
}
