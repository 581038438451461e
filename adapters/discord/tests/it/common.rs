//! Shared by the Discord adapter's tests: the documented examples, read as JSON.

use std::path::PathBuf;

/// The text of an example in ../shared/data/platform-examples/discord.
pub fn example_text(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/platform-examples/discord");
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// An example as JSON: comments and trailing commas of the JSONC examples removed, and the
/// documentation's `...additionalInteractionFields` placeholder filled with the fields of the
/// documented slash-command interaction.
pub fn example(name: &str) -> serde_json::Value {
    let text = jsonc_to_json(&example_text(name));
    let mut value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    if example_text(name).contains("...additionalInteractionFields") {
        let base = example("discord_interaction_slash_command.json");
        for (k, v) in base.as_object().unwrap() {
            if k != "data" && k != "type" {
                value[k] = v.clone();
            }
        }
    }
    value
}

fn jsonc_to_json(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("...") {
            continue;
        }
        let mut in_string = false;
        let mut escaped = false;
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if in_string {
                if c == '"' && !escaped {
                    in_string = false;
                }
                escaped = c == '\\' && !escaped;
            } else if c == '"' {
                in_string = true;
            } else if c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            kept.push(c);
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    // Trailing commas before a closing bracket.
    let mut cleaned = String::new();
    let chars: Vec<char> = out.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(*c);
    }
    cleaned
}
