//! Refusal pages and headers, rendered once when a policy is loaded so that answering costs a
//! lookup, not a format.

use crate::policy::ResponseConfig;
use crate::verdict::Reason;

/// The body formats a refusal can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    /// `text/html; charset=utf-8`
    Html,
    /// `application/json`
    Json,
}

impl BodyFormat {
    /// The `Content-Type` of this format.
    pub fn content_type(self) -> &'static str {
        match self {
            BodyFormat::Html => "text/html; charset=utf-8",
            BodyFormat::Json => "application/json",
        }
    }
}

/// One rendered refusal.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) html: String,
    pub(crate) json: String,
    pub(crate) html_headers: Vec<(String, String)>,
    pub(crate) json_headers: Vec<(String, String)>,
}

/// Every refusal of a policy, indexed by [`Reason::index`].
#[derive(Debug, Clone)]
pub(crate) struct Pages {
    pages: Vec<Page>,
    /// Headers on responses that are allowed while the lockdown is on.
    pub(crate) lockdown_allow_headers: Vec<(String, String)>,
}

/// The English and Urdu texts of a refusal.
struct Texts {
    title: &'static str,
    message: &'static str,
    title_ur: &'static str,
    message_ur: &'static str,
}

fn texts(reason: Reason) -> Texts {
    match reason {
        Reason::WriteInLockdown => Texts {
            title: "This portal is temporarily read-only",
            message: "You can still read every page, but forms, sign-in, file uploads and other \
                      changes are switched off for now to protect the service. Nothing you sent \
                      has been saved. Please try again later.",
            title_ur: "یہ پورٹل عارضی طور پر صرف پڑھنے کے لیے ہے",
            message_ur: "آپ تمام صفحات پڑھ سکتے ہیں، لیکن سروس کی حفاظت کے لیے فارم جمع کرانا، \
                         لاگ اِن، فائل اپ لوڈ اور دیگر تبدیلیاں فی الحال بند ہیں۔ آپ کی بھیجی ہوئی \
                         معلومات محفوظ نہیں کی گئیں۔ براہِ کرم کچھ دیر بعد دوبارہ کوشش کریں۔",
        },
        Reason::AdminNetwork => Texts {
            title: "Access denied",
            message: "This area can only be reached from the administrators' network.",
            title_ur: "رسائی ممنوع ہے",
            message_ur: "اس حصے تک صرف منتظمین کے نیٹ ورک سے رسائی ممکن ہے۔",
        },
        Reason::DeniedPath => Texts {
            title: "Page not found",
            message: "The page you asked for does not exist.",
            title_ur: "صفحہ نہیں ملا",
            message_ur: "آپ کا مطلوبہ صفحہ موجود نہیں ہے۔",
        },
        Reason::LimitExceeded => Texts {
            title: "Request too large",
            message: "The request carried more data than this portal accepts and was not processed.",
            title_ur: "درخواست بہت بڑی ہے",
            message_ur: "درخواست میں اس پورٹل کی حد سے زیادہ معلومات تھیں، اس لیے اس پر عمل نہیں کیا گیا۔",
        },
        r if r.is_screening() => Texts {
            title: "Request refused",
            message: "The request contained something that looks like an attack and was not \
                      processed. If you typed ordinary text, please rephrase it and try again.",
            title_ur: "درخواست مسترد کر دی گئی",
            message_ur: "درخواست میں حملے سے مشابہ مواد تھا، اس لیے اس پر عمل نہیں کیا گیا۔ اگر آپ نے \
                         عام متن لکھا تھا تو براہِ کرم الفاظ بدل کر دوبارہ کوشش کریں۔",
        },
        _ => Texts {
            title: "Bad request",
            message: "The request could not be understood and was not processed.",
            title_ur: "غلط درخواست",
            message_ur: "درخواست سمجھ میں نہیں آ سکی، اس لیے اس پر عمل نہیں کیا گیا۔",
        },
    }
}

const DEFAULT_TEMPLATE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} | {title_ur}</title>
<style>
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f4f5f2}
main{max-width:44rem;margin:3rem auto;padding:0 1.25rem}
section{background:#fff;border-top:6px solid #01411c;border-radius:6px;padding:1.5rem 1.75rem;margin-bottom:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:0 0 .75rem}
[lang=ur]{font-family:"Noto Nastaliq Urdu","Jameel Noori Nastaleeq","Urdu Typesetting",serif;font-size:1.15rem;line-height:2.2}
.code{color:#5b5b5b;font-size:.85rem}
</style>
</head>
<body>
<main>
<section lang="en" dir="ltr">
<h1>{title}</h1>
<p>{message}</p>
<p>{contact}</p>
<p class="code">{status} &middot; {code}</p>
</section>
<section lang="ur" dir="rtl">
<h1>{title_ur}</h1>
<p>{message_ur}</p>
<p>{contact_ur}</p>
</section>
</main>
</body>
</html>
"#;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl Pages {
    pub(crate) fn render(cfg: &ResponseConfig) -> Pages {
        let template = if cfg.html_template.trim().is_empty() {
            DEFAULT_TEMPLATE
        } else {
            cfg.html_template.as_str()
        };
        let pages = Reason::ALL
            .iter()
            .map(|&reason| {
                let t = texts(reason);
                let status = match reason {
                    Reason::WriteInLockdown => cfg.lockdown_status,
                    Reason::AdminNetwork => cfg.forbidden_status,
                    Reason::DeniedPath => cfg.denied_status,
                    Reason::MalformedRequest => cfg.malformed_status,
                    Reason::LimitExceeded => cfg.limit_status,
                    _ => cfg.screening_status,
                };
                let lockdown = reason == Reason::WriteInLockdown;
                // Only the lockdown page speaks of the lockdown and of what to do instead; the
                // others say as little as a server's own error pages would.
                let (contact, contact_ur) = if lockdown {
                    (html_escape(&cfg.contact), html_escape(&cfg.contact_ur))
                } else {
                    (String::new(), String::new())
                };
                let status_s = status.to_string();
                let html = fill(
                    template,
                    &[
                        ("status", &status_s),
                        ("code", reason.code()),
                        ("title", &html_escape(t.title)),
                        ("message", &html_escape(t.message)),
                        ("title_ur", &html_escape(t.title_ur)),
                        ("message_ur", &html_escape(t.message_ur)),
                        ("contact", &contact),
                        ("contact_ur", &contact_ur),
                    ],
                );
                let mut json = serde_json::json!({
                    "error": reason.code(),
                    "status": status,
                    "title": t.title,
                    "message": t.message,
                    "title_ur": t.title_ur,
                    "message_ur": t.message_ur,
                });
                if lockdown {
                    if !cfg.contact.is_empty() {
                        json["contact"] = cfg.contact.clone().into();
                    }
                    if !cfg.contact_ur.is_empty() {
                        json["contact_ur"] = cfg.contact_ur.clone().into();
                    }
                    if cfg.retry_after > 0 {
                        json["retry_after"] = cfg.retry_after.into();
                    }
                }
                let mut common = vec![("Cache-Control".to_owned(), "no-store".to_owned())];
                if lockdown {
                    if cfg.retry_after > 0 {
                        common.push(("Retry-After".to_owned(), cfg.retry_after.to_string()));
                    }
                    if !cfg.mode_header.is_empty() {
                        common.push((cfg.mode_header.clone(), "read-only".to_owned()));
                    }
                }
                let with_type = |f: BodyFormat| {
                    let mut h = vec![("Content-Type".to_owned(), f.content_type().to_owned())];
                    h.extend(common.iter().cloned());
                    h
                };
                Page {
                    status,
                    html,
                    json: json.to_string(),
                    html_headers: with_type(BodyFormat::Html),
                    json_headers: with_type(BodyFormat::Json),
                }
            })
            .collect();
        let lockdown_allow_headers = if cfg.mode_header.is_empty() {
            Vec::new()
        } else {
            vec![(cfg.mode_header.clone(), "read-only".to_owned())]
        };
        Pages {
            pages,
            lockdown_allow_headers,
        }
    }

    pub(crate) fn get(&self, reason: Reason) -> &Page {
        &self.pages[reason.index()]
    }
}

/// Picks HTML or JSON from what the client says it accepts: JSON when `Accept` prefers JSON to
/// HTML, or when it names neither and the request itself was JSON or an XHR.
pub(crate) fn choose_format(
    accept: Option<&[u8]>,
    content_type: Option<&str>,
    xhr: bool,
) -> BodyFormat {
    if let Some(accept) = accept {
        let a = accept;
        let json = find_ci(a, b"json");
        let html = find_ci(a, b"html");
        match (json, html) {
            (Some(j), Some(h)) => {
                return if j < h {
                    BodyFormat::Json
                } else {
                    BodyFormat::Html
                };
            }
            (Some(_), None) => return BodyFormat::Json,
            (None, Some(_)) => return BodyFormat::Html,
            (None, None) => {}
        }
    }
    let json_body = content_type.is_some_and(|ct| find_ci(ct.as_bytes(), b"json").is_some());
    if json_body || xhr {
        BodyFormat::Json
    } else {
        BodyFormat::Html
    }
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(fill("a{x}b{y}c{", &[("x", "1")]), "a1b{y}c{");
        assert_eq!(
            html_escape("<a href='x'>&"),
            "&lt;a href=&#39;x&#39;&gt;&amp;"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(
            choose_format(
                Some(b"text/html,application/xhtml+xml,*/*;q=0.8"),
                None,
                false
            ),
            BodyFormat::Html
        );
        assert_eq!(
            choose_format(Some(b"application/json"), None, false),
            BodyFormat::Json
        );
        assert_eq!(
            choose_format(Some(b"*/*"), Some("application/json"), false),
            BodyFormat::Json
        );
        assert_eq!(choose_format(None, None, true), BodyFormat::Json);
        assert_eq!(choose_format(None, None, false), BodyFormat::Html);
    }

    #[test]
    fn lockdown_page_is_bilingual_and_escaped() {
        let cfg = ResponseConfig {
            contact: "Call <051> 1234".into(),
            ..Default::default()
        };
        let pages = Pages::render(&cfg);
        let p = pages.get(Reason::WriteInLockdown);
        assert_eq!(p.status, 503);
        assert!(p.html.contains("temporarily read-only"));
        assert!(p.html.contains("صرف پڑھنے"));
        assert!(p.html.contains("Call &lt;051&gt; 1234"));
        assert!(
            p.html_headers
                .iter()
                .any(|(k, v)| k == "Retry-After" && v == "3600")
        );
        let j: serde_json::Value = serde_json::from_str(&p.json).unwrap();
        assert_eq!(j["error"], "write-in-lockdown");
        assert_eq!(j["retry_after"], 3600);
        let d = pages.get(Reason::DeniedPath);
        assert_eq!(d.status, 404);
        assert!(!d.html_headers.iter().any(|(k, _)| k == "Retry-After"));
    }
}
