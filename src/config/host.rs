//! Who ran the scan where: the host name and the user, for the report's custody data.

/// The machine and account a scan ran on.
#[derive(Clone, Debug, Default)]
pub struct HostInfo {
    /// Host name (`gethostname`).
    pub hostname: Option<String>,
    /// Login name of the user (from the password database, else `$USER`).
    pub user: Option<String>,
    /// Numeric user id (Unix).
    pub uid: Option<u32>,
}

impl HostInfo {
    /// Looks up the current host and user. Never fails: what cannot be found is `None`.
    pub fn current() -> HostInfo {
        let env = |k: &str| std::env::var(k).ok().filter(|s| !s.is_empty());
        #[cfg(unix)]
        {
            // SAFETY: getuid has no preconditions and cannot fail.
            let uid = unsafe { libc::getuid() };
            HostInfo {
                hostname: unix_hostname().or_else(|| env("HOSTNAME")),
                user: unix_user(uid)
                    .or_else(|| env("USER"))
                    .or_else(|| env("LOGNAME")),
                uid: Some(uid),
            }
        }
        #[cfg(not(unix))]
        {
            HostInfo {
                hostname: env("COMPUTERNAME"),
                user: env("USERNAME"),
                uid: None,
            }
        }
    }
}

#[cfg(unix)]
fn unix_hostname() -> Option<String> {
    let mut buf = vec![0u8; 256];
    // SAFETY: buf is writable for buf.len() bytes; gethostname writes at most that many.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let s = String::from_utf8_lossy(&buf[..end]).into_owned();
    (!s.is_empty()).then_some(s)
}

#[cfg(unix)]
fn unix_user(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value of a plain C struct.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: pwd, buf and result are valid for writes; buf.len() is its true length.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points to a NUL-terminated string inside buf.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    let s = name.to_string_lossy().into_owned();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_info_is_found() {
        let h = HostInfo::current();
        #[cfg(unix)]
        assert!(h.uid.is_some() && h.hostname.is_some());
        let _ = h;
    }
}
