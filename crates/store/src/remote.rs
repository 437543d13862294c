//! Remote stores (the `remote` feature): `s3://bucket/prefix` through object_store's S3 client
//! and `http(s)://` through its HTTP client, wrapped by zarrs_object_store and bridged to zarrs'
//! synchronous storage traits with zarrs' async-to-sync adapter on a small tokio runtime owned
//! by this module.
//!
//! The engine reads chunks from its own worker threads, which block on the runtime; calling
//! these stores from inside another tokio runtime is not supported (tokio forbids blocking
//! there).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::http::HttpBuilder;
use object_store::prefix::PrefixStore;
use object_store::{Certificate, ClientOptions, ObjectStore, RetryConfig};
use zarrs::storage::byte_range::ByteRangeIterator;
use zarrs::storage::{
    ListableStorageTraits, MaybeBytes, MaybeBytesIterator, OffsetBytesIterator, ReadableStorage, ReadableStorageTraits,
    StorageError, StoreKey, StoreKeys, StoreKeysPrefixes, StorePrefix, WritableStorageTraits,
};
use zarrs_object_store::AsyncObjectStore;
use zarrs_storage::AsyncReadableStorageTraits;
use zarrs_storage::storage_adapter::async_to_sync::{AsyncToSyncBlockOn, AsyncToSyncStorageAdapter};

use crate::error::StoreError;
use crate::storage::RemoteOptions;
use crate::to_zarr::ToZarrOptions;
use crate::writer::WriteMode;

type Async = AsyncObjectStore<Arc<dyn ObjectStore>>;

/// zarrs' async-to-sync adapter, with one change: reading a whole value is one plain GET.
/// (The adapter reads whole values as a byte range of a known size: a HEAD and then a range
/// request for every chunk, which doubles the requests and fails on servers without range
/// support, such as Python's `http.server`.)
struct Adapter {
    inner: AsyncToSyncStorageAdapter<Async, BlockOn>,
    store: Arc<Async>,
    handle: tokio::runtime::Handle,
}

impl ReadableStorageTraits for Adapter {
    fn get(&self, key: &StoreKey) -> Result<MaybeBytes, StorageError> {
        self.handle.block_on(self.store.get(key))
    }
    fn get_partial_many<'a>(
        &'a self,
        key: &StoreKey,
        byte_ranges: ByteRangeIterator<'a>,
    ) -> Result<MaybeBytesIterator<'a>, StorageError> {
        self.inner.get_partial_many(key, byte_ranges)
    }
    fn size_key(&self, key: &StoreKey) -> Result<Option<u64>, StorageError> {
        self.inner.size_key(key)
    }
    fn supports_get_partial(&self) -> bool {
        self.inner.supports_get_partial()
    }
}

impl ListableStorageTraits for Adapter {
    fn list(&self) -> Result<StoreKeys, StorageError> {
        self.inner.list()
    }
    fn list_prefix(&self, prefix: &StorePrefix) -> Result<StoreKeys, StorageError> {
        self.inner.list_prefix(prefix)
    }
    fn list_dir(&self, prefix: &StorePrefix) -> Result<StoreKeysPrefixes, StorageError> {
        self.inner.list_dir(prefix)
    }
    fn size_prefix(&self, prefix: &StorePrefix) -> Result<u64, StorageError> {
        self.inner.size_prefix(prefix)
    }
}

impl WritableStorageTraits for Adapter {
    fn set(&self, key: &StoreKey, value: zarrs::storage::Bytes) -> Result<(), StorageError> {
        self.inner.set(key, value)
    }
    fn set_partial_many(&self, key: &StoreKey, offset_values: OffsetBytesIterator) -> Result<(), StorageError> {
        self.inner.set_partial_many(key, offset_values)
    }
    fn erase(&self, key: &StoreKey) -> Result<(), StorageError> {
        self.inner.erase(key)
    }
    fn erase_prefix(&self, prefix: &StorePrefix) -> Result<(), StorageError> {
        self.inner.erase_prefix(prefix)
    }
    fn supports_set_partial(&self) -> bool {
        self.inner.supports_set_partial()
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_RETRIES: usize = 2;

fn runtime(url: &str) -> Result<&'static tokio::runtime::Runtime, StoreError> {
    static RT: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cumulus-remote")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| StoreError::BadUrl { url: url.to_owned(), reason: format!("cannot start the network runtime: {e}") })
}

struct BlockOn(tokio::runtime::Handle);

impl AsyncToSyncBlockOn for BlockOn {
    fn block_on<F: core::future::Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }
}

/// The object store behind `url`, and whether it can list keys.
fn object_store(url: &str, opts: &RemoteOptions) -> Result<(Arc<dyn ObjectStore>, bool), StoreError> {
    let bad = |reason: String| StoreError::BadUrl { url: url.to_owned(), reason };
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("expected scheme://...".into()))?;
    let retry = RetryConfig {
        max_retries: opts.retries.unwrap_or(DEFAULT_RETRIES),
        retry_timeout: opts.timeout.unwrap_or(DEFAULT_TIMEOUT),
        ..RetryConfig::default()
    };
    let mut client = ClientOptions::new()
        .with_timeout(opts.timeout.unwrap_or(DEFAULT_TIMEOUT))
        .with_connect_timeout(opts.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT));
    let ca_bundle = opts.ca_bundle.clone().or_else(|| std::env::var_os("AWS_CA_BUNDLE").map(PathBuf::from));
    if let Some(file) = ca_bundle.filter(|f| !f.as_os_str().is_empty()) {
        let pem =
            std::fs::read(&file).map_err(|e| bad(format!("the CA bundle {} cannot be read: {e}", file.display())))?;
        let certs = Certificate::from_pem_bundle(&pem)
            .map_err(|e| bad(format!("the CA bundle {} is not PEM certificates: {e}", file.display())))?;
        if certs.is_empty() {
            return Err(bad(format!("the CA bundle {} holds no certificate", file.display())));
        }
        for cert in certs {
            client = client.with_root_certificate(cert);
        }
    }
    match scheme {
        "s3" | "s3a" => {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(bad("expected s3://BUCKET/PREFIX, and the bucket name is empty".into()));
            }
            let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
            let endpoint = opts
                .endpoint
                .clone()
                .or_else(|| env("AWS_ENDPOINT_URL_S3"))
                .or_else(|| env("AWS_ENDPOINT_URL"))
                .or_else(|| env("AWS_ENDPOINT"));
            let allow_http = opts
                .allow_http
                .or_else(|| env("AWS_ALLOW_HTTP").map(|v| v.eq_ignore_ascii_case("true")))
                .unwrap_or_else(|| endpoint.as_deref().is_some_and(is_loopback_http));
            let mut b = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_client_options(client)
                .with_allow_http(allow_http)
                .with_retry(retry);
            if let Some(e) = &endpoint {
                b = b.with_endpoint(e);
            }
            if let Some(r) = &opts.region {
                b = b.with_region(r);
            }
            match (&opts.access_key_id, &opts.secret_access_key) {
                (Some(k), Some(s)) => b = b.with_access_key_id(k).with_secret_access_key(s),
                (Some(_), None) | (None, Some(_)) => {
                    return Err(bad("RemoteOptions has only one of access_key_id and secret_access_key".into()));
                }
                (None, None) if env("AWS_ACCESS_KEY_ID").is_none() => {
                    // No credentials anywhere: anonymous requests (public buckets), instead of
                    // waiting for an instance-metadata service that is not there.
                    b = b.with_skip_signature(true);
                }
                (None, None) => {}
            }
            let s3 = b.build().map_err(|e| bad(format!("S3 configuration: {e}")))?;
            let prefix = prefix.trim_matches('/');
            let store: Arc<dyn ObjectStore> =
                if prefix.is_empty() { Arc::new(s3) } else { Arc::new(PrefixStore::new(s3, prefix)) };
            Ok((store, true))
        }
        "http" | "https" => {
            let client = client.with_allow_http(scheme == "http" && opts.allow_http != Some(false));
            let http = HttpBuilder::new()
                .with_url(url.trim_end_matches('/'))
                .with_client_options(client)
                .with_retry(retry)
                .build()
                .map_err(|e| bad(format!("HTTP configuration: {e}")))?;
            // Plain HTTP servers cannot list (object_store would need WebDAV): stores there must
            // have consolidated metadata.
            Ok((Arc::new(http), false))
        }
        other => Err(bad(format!("the scheme {other:?} is not supported; use s3://, http:// or https://"))),
    }
}

fn is_loopback_http(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().map_or("", |h| &h[1..])
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn adapter(url: &str, opts: &RemoteOptions) -> Result<(Arc<Adapter>, bool), StoreError> {
    let rt = runtime(url)?;
    let (store, listable) = object_store(url, opts)?;
    let store = Arc::new(AsyncObjectStore::new(store));
    let inner = AsyncToSyncStorageAdapter::new(store.clone(), BlockOn(rt.handle().clone()));
    Ok((Arc::new(Adapter { inner, store, handle: rt.handle().clone() }), listable))
}

/// zarrs storage for a URL: readable, and listable when the backend can list.
pub(crate) fn storage(
    url: &str,
    opts: &RemoteOptions,
) -> Result<(ReadableStorage, Option<Arc<dyn ListableStorageTraits>>), StoreError> {
    let (adapter, listable) = adapter(url, opts)?;
    let list: Option<Arc<dyn ListableStorageTraits>> = if listable { Some(adapter.clone()) } else { None };
    Ok((adapter, list))
}

fn storage_error(url: &str, action: &'static str, key: &str) -> impl Fn(zarrs::storage::StorageError) -> StoreError {
    let (url, key) = (url.to_owned(), key.to_owned());
    move |e| StoreError::Storage { store: url.clone().into(), action, key: key.clone(), message: e.to_string() }
}

/// Upload the local store folder `local` to `url` (`s3://bucket/prefix`): every file, with the
/// metadata that marks a store as complete (`.zmetadata`, and the root `zarr.json` of format 3)
/// last, so that a reader never sees a complete-looking store whose chunks are still missing.
/// Keys already under the prefix are left alone (see [`to_zarr`](crate::to_zarr) for
/// overwriting).
///
/// ```no_run
/// use cumulus_store::{RemoteOptions, upload_store};
/// let opts = RemoteOptions::default().endpoint("http://127.0.0.1:9000").credentials("key", "secret");
/// upload_store("out/2025.zarr".as_ref(), "s3://bucket/2025.zarr", &opts)?;
/// # Ok::<(), cumulus_store::StoreError>(())
/// ```
///
/// # Errors
/// [`StoreError::NotAStore`] when `local` is not a folder; [`StoreError::BadUrl`] for a URL
/// that is not `s3://` or cannot be configured; [`StoreError::Storage`] naming the key that
/// failed to upload.
pub fn upload_store(local: &Path, url: &str, opts: &RemoteOptions) -> Result<(), StoreError> {
    if !local.is_dir() {
        return Err(StoreError::NotAStore { path: local.to_path_buf(), reason: "no such folder".into() });
    }
    let store = writable(url, opts)?;
    upload(local, url, &store)
}

fn writable(url: &str, opts: &RemoteOptions) -> Result<Arc<Adapter>, StoreError> {
    if !(url.starts_with("s3://") || url.starts_with("s3a://")) {
        return Err(StoreError::BadUrl {
            url: url.to_owned(),
            reason: "stores can be written to s3:// URLs only (HTTP servers are read-only here)".into(),
        });
    }
    Ok(adapter(url, opts)?.0)
}

fn upload(local: &Path, url: &str, store: &Adapter) -> Result<(), StoreError> {
    let mut files = Vec::new();
    collect_files(local, local, &mut files)?;
    // Completion markers last, in this order: zarr.json of the root (v3), then .zmetadata (v2).
    let rank = |k: &str| match k {
        "zarr.json" => 1,
        ".zmetadata" => 2,
        _ => 0,
    };
    files.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
    for (key, path) in files {
        let bytes = std::fs::read(&path).map_err(|e| StoreError::io("read", &path, e))?;
        let k = StoreKey::new(key.as_str()).map_err(|e| StoreError::Storage {
            store: url.into(),
            action: "name",
            key: key.clone(),
            message: e.to_string(),
        })?;
        store.set(&k, bytes.into()).map_err(storage_error(url, "upload", &key))?;
    }
    Ok(())
}

/// A uniquely named scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, StoreError> {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("cumulus-upload-{}-{nanos}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io("create folder", &dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// [`to_zarr`](crate::to_zarr) to an `s3://` URL: the store is written to a local scratch
/// folder by the ordinary writer, then uploaded with its completion markers last. `Create`
/// refuses a URL that already holds a store; `Overwrite` first removes every key under the
/// prefix (the old store disappears before the new one is complete); `Append` is not supported.
pub(crate) fn to_zarr_remote(
    ds: &cumulus_labeled::Dataset,
    url: &str,
    opts: &ToZarrOptions,
) -> Result<PathBuf, StoreError> {
    if opts.mode == WriteMode::Append {
        return Err(StoreError::BadUrl {
            url: url.to_owned(),
            reason: "appending to or writing a region of a remote store is not supported; write it \
                     locally, or rewrite it with WriteMode::Overwrite"
                .into(),
        });
    }
    let store = writable(url, &opts.remote)?;
    let marker = ["zarr.json", ".zgroup", ".zmetadata"]
        .into_iter()
        .map(|k| {
            let key = StoreKey::new(k).map_err(|e| StoreError::BadUrl { url: url.into(), reason: e.to_string() })?;
            store.size_key(&key).map(|s| s.is_some()).map_err(storage_error(url, "look up", k))
        })
        .collect::<Result<Vec<bool>, _>>()?
        .contains(&true);
    if marker && opts.mode == WriteMode::Create {
        return Err(StoreError::AlreadyExists { path: url.into() });
    }
    let scratch = Scratch::new()?;
    let local = scratch.0.join("store.zarr");
    crate::to_zarr::to_zarr(ds, &local, &ToZarrOptions { mode: WriteMode::Create, ..opts.clone() })?;
    if opts.mode == WriteMode::Overwrite {
        store.erase_prefix(&StorePrefix::root()).map_err(storage_error(url, "remove the old store at", ""))?;
    }
    upload(&local, url, &store)?;
    Ok(PathBuf::from(url))
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, std::path::PathBuf)>) -> Result<(), StoreError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| StoreError::io("list", dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::io("list", dir, e))?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect_files(root, &p, out)?;
        } else {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((key, p));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_http;

    #[test]
    fn loopback_endpoints_are_recognised() {
        assert!(is_loopback_http("http://127.0.0.1:9000"));
        assert!(is_loopback_http("http://localhost:5000/"));
        assert!(is_loopback_http("http://[::1]:9000"));
        assert!(!is_loopback_http("https://127.0.0.1:9000"));
        assert!(!is_loopback_http("http://example.org:9000"));
        assert!(!is_loopback_http("http://10.0.0.1"));
    }
}
