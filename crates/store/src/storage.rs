//! Where a store lives: a local folder, an `s3://bucket/prefix` URL or an `http(s)://` URL, all
//! read through zarrs' storage traits ([`ReadableStorageTraits`], [`ListableStorageTraits`]).
//!
//! [`StoreHandle::open`] turns a path or URL into a key-value view of the store. Local folders
//! use zarrs' `FilesystemStore`; URLs need the `remote` cargo feature (object_store's S3 and
//! HTTP clients behind zarrs' async-to-sync adapter); without it a URL gives
//! [`StoreError::RemoteDisabled`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use zarrs::filesystem::FilesystemStore;
use zarrs::storage::{ListableStorageTraits, ReadableStorage, StoreKey, StorePrefix};

use crate::error::StoreError;

/// How remote stores are reached: xarray's `storage_options`. Every field left `None` falls back
/// to the usual AWS environment variables (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ALLOW_HTTP`, ...) and then to a default.
///
/// Local paths ignore these options.
///
/// ```
/// use std::time::Duration;
/// use cumulus_store::RemoteOptions;
///
/// let opts = RemoteOptions::default()
///     .endpoint("http://127.0.0.1:9000")
///     .credentials("key", "secret")
///     .timeout(Duration::from_secs(5));
/// assert_eq!(opts.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
/// // The secret never shows in debug output.
/// assert!(!format!("{opts:?}").contains("secret\""));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RemoteOptions {
    /// S3 endpoint, e.g. `http://127.0.0.1:9000` for a local S3-compatible server
    /// (default: `AWS_ENDPOINT_URL`, then AWS itself).
    pub endpoint: Option<String>,
    /// Access key id (default: `AWS_ACCESS_KEY_ID`; with none at all, requests are unsigned,
    /// which is what public buckets need).
    pub access_key_id: Option<String>,
    /// Secret access key (default: `AWS_SECRET_ACCESS_KEY`).
    pub secret_access_key: Option<String>,
    /// Region (default: `AWS_REGION` / `AWS_DEFAULT_REGION`, then `us-east-1`).
    pub region: Option<String>,
    /// Allow plain `http://` endpoints (default: `AWS_ALLOW_HTTP`, else allowed only for a
    /// loopback endpoint such as `http://127.0.0.1:9000`, and always for `http://` URLs given
    /// to `open_zarr` directly).
    pub allow_http: Option<bool>,
    /// Time limit of one request (default 30 s).
    pub timeout: Option<Duration>,
    /// Time limit to connect (default 5 s).
    pub connect_timeout: Option<Duration>,
    /// Retries of a failed request (default 2).
    pub retries: Option<usize>,
    /// A PEM file of extra root certificates to trust for `https://` and S3 endpoints, such as
    /// a private certificate authority (default: `AWS_CA_BUNDLE`; the system's roots are
    /// trusted either way).
    pub ca_bundle: Option<PathBuf>,
}

impl std::fmt::Debug for RemoteOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteOptions")
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "<hidden>"))
            .field("region", &self.region)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retries", &self.retries)
            .field("ca_bundle", &self.ca_bundle)
            .finish()
    }
}

impl RemoteOptions {
    /// Use this S3 endpoint.
    #[must_use]
    pub fn endpoint(mut self, url: &str) -> Self {
        self.endpoint = Some(url.to_owned());
        self
    }

    /// Sign requests with this key pair.
    #[must_use]
    pub fn credentials(mut self, access_key_id: &str, secret_access_key: &str) -> Self {
        self.access_key_id = Some(access_key_id.to_owned());
        self.secret_access_key = Some(secret_access_key.to_owned());
        self
    }

    /// Use this region.
    #[must_use]
    pub fn region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    /// Allow (or forbid) plain-HTTP endpoints.
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = Some(allow);
        self
    }

    /// Time limit of one request.
    #[must_use]
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }

    /// Time limit to connect.
    #[must_use]
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = Some(t);
        self
    }

    /// Retries of a failed request.
    #[must_use]
    pub fn retries(mut self, n: usize) -> Self {
        self.retries = Some(n);
        self
    }

    /// Trust the root certificates in this PEM file too (a private certificate authority).
    #[must_use]
    pub fn ca_bundle(mut self, pem_file: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(pem_file.into());
        self
    }
}

/// The URL scheme of `location` (`s3`, `http`, `https`, ...) when it is a URL, `None` for a path.
///
/// ```
/// use cumulus_store::url_scheme;
/// assert_eq!(url_scheme("s3://bucket/era5.zarr".as_ref()), Some("s3"));
/// assert_eq!(url_scheme("https://example.org/a.zarr".as_ref()), Some("https"));
/// assert_eq!(url_scheme("data/2025.zarr".as_ref()), None);
/// ```
pub fn url_scheme(location: &Path) -> Option<&str> {
    let s = location.to_str()?;
    let (scheme, _) = s.split_once("://")?;
    let ok = !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(scheme)
}

/// An opened store: its name (path or URL, as errors show it) and a key-value view of it through
/// zarrs' storage traits. Opening reads nothing; metadata is read by whoever uses the handle.
///
/// ```
/// use std::sync::Arc;
/// use cumulus_store::{RemoteOptions, StoreHandle, open_zarr_in};
/// use zarrs::storage::store::MemoryStore;
///
/// // Any zarrs store works, e.g. an in-memory one (listable, so no consolidated metadata needed).
/// let mem = Arc::new(MemoryStore::new());
/// let handle = StoreHandle::from_storage("memory://demo", mem.clone(), Some(mem));
/// let err = open_zarr_in(&handle, &Default::default()).unwrap_err();
/// assert!(err.to_string().contains("memory://demo is not a Zarr store"));
///
/// // A local folder:
/// let dir = tempfile::tempdir()?;
/// let local = StoreHandle::open(dir.path(), &RemoteOptions::default())?;
/// assert!(!local.is_remote());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct StoreHandle {
    label: PathBuf,
    local: Option<PathBuf>,
    readable: ReadableStorage,
    listable: Option<Arc<dyn ListableStorageTraits>>,
}

impl std::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreHandle")
            .field("store", &self.label)
            .field("listable", &self.listable.is_some())
            .finish_non_exhaustive()
    }
}

impl StoreHandle {
    /// Open the store at `location`: a folder, `s3://bucket/prefix` or `http(s)://host/path`.
    ///
    /// # Errors
    /// [`StoreError::NotAStore`] for a folder that does not exist; [`StoreError::RemoteDisabled`]
    /// for a URL when the `remote` feature is off; [`StoreError::BadUrl`] for a scheme other than
    /// `s3`, `http` and `https`, or a URL that cannot be configured.
    pub fn open(location: impl AsRef<Path>, remote: &RemoteOptions) -> Result<StoreHandle, StoreError> {
        let location = location.as_ref();
        if url_scheme(location).is_some() {
            let url = location.to_str().unwrap_or_default();
            return open_url(url, remote);
        }
        if !location.is_dir() {
            return Err(StoreError::NotAStore { path: location.to_path_buf(), reason: "no such folder".into() });
        }
        let fs = Arc::new(FilesystemStore::new(location).map_err(|e| StoreError::Storage {
            store: location.to_path_buf(),
            action: "open",
            key: String::new(),
            message: e.to_string(),
        })?);
        Ok(StoreHandle {
            label: location.to_path_buf(),
            local: Some(location.to_path_buf()),
            readable: fs.clone(),
            listable: Some(fs),
        })
    }

    /// A handle on any zarrs store: `label` names it in errors, `listable` (if the storage can
    /// list its keys) lets stores without consolidated metadata be scanned.
    pub fn from_storage(
        label: impl Into<PathBuf>,
        readable: ReadableStorage,
        listable: Option<Arc<dyn ListableStorageTraits>>,
    ) -> StoreHandle {
        StoreHandle { label: label.into(), local: None, readable, listable }
    }

    /// The path or URL, as errors show it.
    pub fn label(&self) -> &Path {
        &self.label
    }

    /// The folder, for a local store.
    pub fn local_path(&self) -> Option<&Path> {
        self.local.as_deref()
    }

    /// Whether the store is not a local folder.
    pub fn is_remote(&self) -> bool {
        self.local.is_none()
    }

    /// The storage, for zarrs (`Array::open(handle.storage(), "/x")`).
    pub fn storage(&self) -> ReadableStorage {
        self.readable.clone()
    }

    /// Whether the storage can list keys (folders and S3 can, plain HTTP cannot).
    pub fn can_list(&self) -> bool {
        self.listable.is_some()
    }

    /// The bytes at `key`, `None` when there is no such key.
    pub(crate) fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let k = self.key(key)?;
        self.readable.get(&k).map(|b| b.map(|b| b.to_vec())).map_err(|e| StoreError::Storage {
            store: self.label.clone(),
            action: "read",
            key: key.into(),
            message: e.to_string(),
        })
    }

    /// The JSON document at `key`, `None` when there is no such key.
    pub(crate) fn get_json(&self, key: &str) -> Result<Option<Value>, StoreError> {
        match self.get(key)? {
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|source| StoreError::Json {
                store: self.label.clone(),
                file: key.to_owned(),
                source,
            }),
            None => Ok(None),
        }
    }

    /// Whether there is a value at `key`.
    pub(crate) fn exists(&self, key: &str) -> Result<bool, StoreError> {
        let k = self.key(key)?;
        self.readable.size_key(&k).map(|s| s.is_some()).map_err(|e| StoreError::Storage {
            store: self.label.clone(),
            action: "look up",
            key: key.into(),
            message: e.to_string(),
        })
    }

    /// The names of the top-level folders (prefixes) of the store, sorted; `None` when the
    /// storage cannot list.
    pub(crate) fn subfolders(&self) -> Result<Option<Vec<String>>, StoreError> {
        let Some(list) = &self.listable else {
            return Ok(None);
        };
        let found = list.list_dir(&StorePrefix::root()).map_err(|e| StoreError::Storage {
            store: self.label.clone(),
            action: "list",
            key: String::new(),
            message: e.to_string(),
        })?;
        let mut out: Vec<String> =
            found.prefixes().iter().map(|p| p.as_str().trim_end_matches('/').to_owned()).collect();
        out.sort();
        Ok(Some(out))
    }

    fn key(&self, key: &str) -> Result<StoreKey, StoreError> {
        StoreKey::new(key).map_err(|e| StoreError::Storage {
            store: self.label.clone(),
            action: "name",
            key: key.into(),
            message: e.to_string(),
        })
    }
}

#[cfg(feature = "remote")]
fn open_url(url: &str, remote: &RemoteOptions) -> Result<StoreHandle, StoreError> {
    let (readable, listable) = crate::remote::storage(url, remote)?;
    Ok(StoreHandle { label: PathBuf::from(url), local: None, readable, listable })
}

#[cfg(not(feature = "remote"))]
fn open_url(url: &str, _remote: &RemoteOptions) -> Result<StoreHandle, StoreError> {
    Err(StoreError::RemoteDisabled { url: url.to_owned() })
}
