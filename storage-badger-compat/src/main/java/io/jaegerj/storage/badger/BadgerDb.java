// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.Options;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DbPath;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RocksDB database with three column families:
 *
 * <ul>
 *   <li>{@code default} — index entries and sampling data, in the key directory;
 *   <li>{@code spans} — span entries, whose table files live in the value directory ({@code cf_paths});
 *   <li>{@code expiry} — one entry per written span ordered by expiry time, in the key directory, so that the
 *       maintenance purge reads only what has expired.
 * </ul>
 *
 * One database rather than two keeps a single write-ahead log (in the key directory), so a batch of spans and all
 * their index entries commit atomically. These three hold the default tenant ({@link #defaultNamespace}); every other
 * tenant gets three column families of its own, named {@code tenant:<hex of the UTF-8 name>:index|spans|expiry}
 * (created on its first write, reopened on open), with the same key layout. Thread-safe; {@link #close()} is
 * idempotent.
 */
final class BadgerDb implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BadgerDb.class);

  static {
    RocksDB.loadLibrary();
  }

  /** Non-default tenants one store accepts; a write for one more tenant fails (bounds memtables and files). */
  static final int MAX_TENANTS = 1_000;
  private static final String TENANT_CF_PREFIX = "tenant:";
  private static final List<String> ROLES = List.of("index", "spans", "expiry");

  final RocksDB db;
  final ColumnFamilyHandle index;
  final ColumnFamilyHandle spans;
  final ColumnFamilyHandle expiry;
  final BadgerNamespace defaultNamespace;
  private final Map<String, BadgerNamespace> tenants = new ConcurrentHashMap<>();
  private final List<ColumnFamilyOptions> tenantOptions;
  final WriteOptions writeOptions;
  final boolean readOnly;
  final Path keyDirectory;
  final Path valueDirectory;
  private final Path ephemeralRoot;
  private final DBOptions dbOptions;
  private final List<ColumnFamilyOptions> cfOptions;
  private final List<ColumnFamilyHandle> handles;
  /** Readers and writers hold the read lock; close takes the write lock, so no native call outlives the handles. */
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private BadgerDb(RocksDB db, List<ColumnFamilyHandle> handles, DBOptions dbOptions,
      List<ColumnFamilyOptions> cfOptions, List<ColumnFamilyOptions> tenantOptions, WriteOptions writeOptions,
      boolean readOnly, Path keyDirectory, Path valueDirectory, Path ephemeralRoot) {
    this.db = db;
    this.handles = new CopyOnWriteArrayList<>(handles);
    this.index = handles.get(0);
    this.spans = handles.get(1);
    this.expiry = handles.get(2);
    this.defaultNamespace = new BadgerNamespace("", index, spans, expiry);
    this.tenantOptions = tenantOptions;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.writeOptions = writeOptions;
    this.readOnly = readOnly;
    this.keyDirectory = keyDirectory;
    this.valueDirectory = valueDirectory;
    this.ephemeralRoot = ephemeralRoot;
  }

  static BadgerDb open(BadgerOptions o) throws IOException, RocksDBException {
    Path ephemeralRoot = null;
    Path keys;
    Path values;
    boolean readOnly;
    boolean sync;
    if (o.ephemeral()) {
      ephemeralRoot = Files.createTempDirectory("badger");
      keys = ephemeralRoot.resolve("keys");
      values = ephemeralRoot.resolve("values");
      readOnly = false;
      sync = false;
    } else {
      keys = o.keyDirectory().toAbsolutePath();
      values = o.valueDirectory().toAbsolutePath();
      readOnly = o.readOnly();
      sync = o.consistency();
    }
    if (!readOnly) {
      createPrivateDirectory(keys);
      createPrivateDirectory(values);
    }
    DBOptions dbOptions = new DBOptions()
        .setCreateIfMissing(!readOnly)
        .setCreateMissingColumnFamilies(!readOnly)
        .setMaxBackgroundJobs(2)
        .setKeepLogFileNum(3)
        // Column families of rarely written tenants would otherwise keep old WAL files alive.
        .setMaxTotalWalSize(256L << 20);
    ColumnFamilyOptions indexOptions = new ColumnFamilyOptions()
        .setCompressionType(CompressionType.LZ4_COMPRESSION);
    ColumnFamilyOptions spanOptions = new ColumnFamilyOptions()
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setCfPaths(List.of(new DbPath(values, Long.MAX_VALUE)));
    ColumnFamilyOptions expiryOptions = new ColumnFamilyOptions()
        .setWriteBufferSize(8L << 20);
    // Tenants' column families: smaller memtables, since there may be many of them.
    List<ColumnFamilyOptions> tenantOptions = List.of(
        new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION).setWriteBufferSize(8L << 20),
        new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION).setWriteBufferSize(8L << 20)
            .setCfPaths(List.of(new DbPath(values, Long.MAX_VALUE))),
        new ColumnFamilyOptions().setWriteBufferSize(2L << 20));
    List<ColumnFamilyOptions> cfOptions = List.of(indexOptions, spanOptions, expiryOptions);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, indexOptions),
        new ColumnFamilyDescriptor("spans".getBytes(StandardCharsets.UTF_8), spanOptions),
        new ColumnFamilyDescriptor("expiry".getBytes(StandardCharsets.UTF_8), expiryOptions)));
    Map<String, byte[][]> tenantFamilies = existingTenantFamilies(keys);
    for (byte[][] names : tenantFamilies.values()) {
      for (int r = 0; r < 3; r++) {
        if (names[r] != null) {
          descriptors.add(new ColumnFamilyDescriptor(names[r], tenantOptions.get(r)));
        }
      }
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>(descriptors.size());
    RocksDB db;
    try {
      db = readOnly
          ? RocksDB.openReadOnly(dbOptions, keys.toString(), descriptors, handles)
          : RocksDB.open(dbOptions, keys.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      for (ColumnFamilyOptions c : cfOptions) {
        c.close();
      }
      for (ColumnFamilyOptions c : tenantOptions) {
        c.close();
      }
      dbOptions.close();
      if (ephemeralRoot != null) {
        deleteRecursively(ephemeralRoot);
      }
      throw e;
    }
    WriteOptions writeOptions = new WriteOptions().setSync(sync);
    BadgerDb store = new BadgerDb(db, handles.subList(0, 3), dbOptions, cfOptions, tenantOptions, writeOptions,
        readOnly, keys, values, ephemeralRoot);
    int h = 3;
    for (Map.Entry<String, byte[][]> e : tenantFamilies.entrySet()) {
      ColumnFamilyHandle[] found = new ColumnFamilyHandle[3];
      for (int r = 0; r < 3; r++) {
        if (e.getValue()[r] != null) {
          found[r] = handles.get(h++);
          store.handles.add(found[r]);
        }
      }
      store.adoptTenant(e.getKey(), found);
    }
    LOG.info("badger storage opened: keys={} values={} ephemeral={} readOnly={} sync={} tenants={}", keys, values,
        o.ephemeral(), readOnly, sync, store.tenants.size());
    return store;
  }

  /** The column family name of one role of a non-default tenant: injective, any tenant name is valid. */
  static byte[] tenantColumnFamilyName(String tenant, String role) {
    return (TENANT_CF_PREFIX + HexFormat.of().formatHex(tenant.getBytes(StandardCharsets.UTF_8)) + ":" + role)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Tenant name → its column family names by role (index, spans, expiry; null when absent), in name order. */
  private static Map<String, byte[][]> existingTenantFamilies(Path keys) throws RocksDBException {
    Map<String, byte[][]> out = new LinkedHashMap<>();
    if (!Files.exists(keys.resolve("CURRENT"))) {
      return out;
    }
    List<byte[]> names;
    try (Options options = new Options()) {
      names = RocksDB.listColumnFamilies(options, keys.toString());
    }
    for (byte[] raw : names) {
      String name = new String(raw, StandardCharsets.UTF_8);
      if (!name.startsWith(TENANT_CF_PREFIX)) {
        continue;
      }
      int colon = name.lastIndexOf(':');
      int role = ROLES.indexOf(name.substring(colon + 1));
      if (role < 0 || colon <= TENANT_CF_PREFIX.length()) {
        continue;
      }
      String tenant;
      try {
        tenant = new String(HexFormat.of().parseHex(name.substring(TENANT_CF_PREFIX.length(), colon)),
            StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        LOG.warn("badger storage: ignoring column family {} (not a tenant name)", name);
        continue;
      }
      out.computeIfAbsent(tenant, t -> new byte[3][])[role] = raw;
    }
    return out;
  }

  /** Registers a tenant found on open; creates the roles it misses (a crash between their creations). */
  private void adoptTenant(String tenant, ColumnFamilyHandle[] found) throws RocksDBException {
    for (int r = 0; r < 3; r++) {
      if (found[r] == null) {
        if (readOnly) {
          LOG.warn("badger storage: tenant {} lacks its {} column family; not readable in read-only mode", tenant,
              ROLES.get(r));
          return;
        }
        found[r] = db.createColumnFamily(
            new ColumnFamilyDescriptor(tenantColumnFamilyName(tenant, ROLES.get(r)), tenantOptions.get(r)));
        handles.add(found[r]);
      }
    }
    tenants.put(tenant, new BadgerNamespace(tenant, found[0], found[1], found[2]));
  }

  /** The namespace of a tenant, or null when that tenant never wrote anything here. */
  BadgerNamespace namespace(String tenant) {
    return tenant.isEmpty() ? defaultNamespace : tenants.get(tenant);
  }

  /**
   * The namespace of a tenant, created (three column families) on its first use. Call between {@link #enter()} and
   * {@link #exit()}.
   *
   * @throws IllegalStateException when the store is read-only or already holds {@link #MAX_TENANTS} tenants
   */
  BadgerNamespace namespaceForWrite(String tenant) throws RocksDBException {
    BadgerNamespace ns = namespace(tenant);
    if (ns != null) {
      return ns;
    }
    synchronized (tenants) {
      ns = tenants.get(tenant);
      if (ns != null) {
        return ns;
      }
      if (readOnly) {
        throw new IllegalStateException("badger storage was opened with --badger.read-only=true");
      }
      if (tenants.size() >= MAX_TENANTS) {
        throw new IllegalStateException("badger storage holds " + MAX_TENANTS
            + " tenants already; refusing the new tenant " + tenant);
      }
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(3);
      for (int r = 0; r < 3; r++) {
        descriptors.add(new ColumnFamilyDescriptor(tenantColumnFamilyName(tenant, ROLES.get(r)),
            tenantOptions.get(r)));
      }
      List<ColumnFamilyHandle> created = db.createColumnFamilies(descriptors);
      handles.addAll(created);
      ns = new BadgerNamespace(tenant, created.get(0), created.get(1), created.get(2));
      tenants.put(tenant, ns);
      LOG.info("badger storage: created the column families of tenant {}", tenant);
      return ns;
    }
  }

  /** The default namespace and every tenant's. */
  List<BadgerNamespace> namespaces() {
    List<BadgerNamespace> out = new ArrayList<>(1 + tenants.size());
    out.add(defaultNamespace);
    out.addAll(tenants.values());
    return out;
  }

  List<ColumnFamilyHandle> columnFamilies() {
    return handles;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Marks the start of an operation that uses native handles; pair it with {@link #exit()} in a finally block.
   *
   * @throws IllegalStateException when the database is closed
   */
  void enter() {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      throw new IllegalStateException("badger storage is closed");
    }
  }

  void exit() {
    lock.readLock().unlock();
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeHandles();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void closeHandles() {
    if (!readOnly) {
      // Flushing the memtables makes the next open fast: nothing is left to replay from the WAL.
      try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
        db.flush(fo, handles);
      } catch (RocksDBException e) {
        LOG.warn("badger storage: flush on close failed; the WAL will be replayed on the next open", e);
      }
    }
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    writeOptions.close();
    for (ColumnFamilyOptions c : cfOptions) {
      c.close();
    }
    for (ColumnFamilyOptions c : tenantOptions) {
      c.close();
    }
    dbOptions.close();
    if (ephemeralRoot != null) {
      try {
        deleteRecursively(ephemeralRoot);
      } catch (IOException e) {
        LOG.warn("badger storage: could not remove ephemeral directory {}", ephemeralRoot, e);
      }
    }
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
