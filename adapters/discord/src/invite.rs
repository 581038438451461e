//! The invite URL an admin opens to add the bot to a server, with exactly the permissions the
//! desk uses and nothing more.

use serenity::model::Permissions;

/// What the bot does with each permission it asks for.
pub const PERMISSIONS: [(Permissions, &str); 10] = [
    (
        Permissions::VIEW_CHANNEL,
        "see the intake and level channels",
    ),
    (Permissions::SEND_MESSAGES, "post cards and answers"),
    (
        Permissions::SEND_MESSAGES_IN_THREADS,
        "talk in ticket threads",
    ),
    (
        Permissions::CREATE_PUBLIC_THREADS,
        "open the agents' thread under each card",
    ),
    (
        Permissions::CREATE_PRIVATE_THREADS,
        "open a private thread per requester",
    ),
    (
        Permissions::MANAGE_THREADS,
        "add the claiming agent and archive closed tickets",
    ),
    (Permissions::EMBED_LINKS, "show cards as embeds"),
    (Permissions::ATTACH_FILES, "attach transcripts on close"),
    (
        Permissions::READ_MESSAGE_HISTORY,
        "read a message turned into a ticket",
    ),
    (Permissions::ADD_REACTIONS, "mark internal notes with 🔒"),
];

/// The OAuth2 scopes: the bot user and its slash commands.
pub const SCOPES: &str = "bot applications.commands";

/// The permission integer of [`PERMISSIONS`].
pub fn permission_bits() -> u64 {
    PERMISSIONS
        .iter()
        .fold(Permissions::empty(), |all, (p, _)| all | *p)
        .bits()
}

/// The invite URL for an application, optionally preselecting one server.
pub fn url(application_id: &str, guild: Option<&str>) -> String {
    let mut url = format!(
        "https://discord.com/oauth2/authorize?client_id={}&scope={}&permissions={}",
        application_id.trim(),
        SCOPES.replace(' ', "%20"),
        permission_bits()
    );
    if let Some(guild) = guild {
        url.push_str(&format!(
            "&guild_id={}&disable_guild_select=true",
            guild.trim()
        ));
    }
    url
}

/// The application id a bot token belongs to: a token's first part is the bot's user id in
/// base64, and a bot's user id is its application's id.
pub fn application_id_from_token(token: &str) -> Option<String> {
    let first = token.trim().split('.').next()?;
    let bytes = base64_decode(first)?;
    let id = String::from_utf8(bytes).ok()?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// Standard or URL-safe base64, padding optional.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}
