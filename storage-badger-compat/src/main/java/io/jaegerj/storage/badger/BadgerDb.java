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
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * their index entries commit atomically. Thread-safe; {@link #close()} is idempotent.
 */
final class BadgerDb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BadgerDb.class);

  static {
    RocksDB.loadLibrary();
  }

  final RocksDB db;
  final ColumnFamilyHandle index;
  final ColumnFamilyHandle spans;
  final ColumnFamilyHandle expiry;
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
      List<ColumnFamilyOptions> cfOptions, WriteOptions writeOptions, boolean readOnly, Path keyDirectory,
      Path valueDirectory, Path ephemeralRoot) {
    this.db = db;
    this.handles = handles;
    this.index = handles.get(0);
    this.spans = handles.get(1);
    this.expiry = handles.get(2);
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
        .setKeepLogFileNum(3);
    ColumnFamilyOptions indexOptions = new ColumnFamilyOptions()
        .setCompressionType(CompressionType.LZ4_COMPRESSION);
    ColumnFamilyOptions spanOptions = new ColumnFamilyOptions()
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setCfPaths(List.of(new DbPath(values, Long.MAX_VALUE)));
    ColumnFamilyOptions expiryOptions = new ColumnFamilyOptions()
        .setWriteBufferSize(8L << 20);
    List<ColumnFamilyOptions> cfOptions = List.of(indexOptions, spanOptions, expiryOptions);
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, indexOptions),
        new ColumnFamilyDescriptor("spans".getBytes(StandardCharsets.UTF_8), spanOptions),
        new ColumnFamilyDescriptor("expiry".getBytes(StandardCharsets.UTF_8), expiryOptions));
    List<ColumnFamilyHandle> handles = new ArrayList<>(3);
    RocksDB db;
    try {
      db = readOnly
          ? RocksDB.openReadOnly(dbOptions, keys.toString(), descriptors, handles)
          : RocksDB.open(dbOptions, keys.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      for (ColumnFamilyOptions c : cfOptions) {
        c.close();
      }
      dbOptions.close();
      if (ephemeralRoot != null) {
        deleteRecursively(ephemeralRoot);
      }
      throw e;
    }
    WriteOptions writeOptions = new WriteOptions().setSync(sync);
    log.info("badger storage opened: keys={} values={} ephemeral={} readOnly={} sync={}", keys, values,
        o.ephemeral(), readOnly, sync);
    return new BadgerDb(db, handles, dbOptions, cfOptions, writeOptions, readOnly, keys, values, ephemeralRoot);
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
        log.warn("badger storage: flush on close failed; the WAL will be replayed on the next open", e);
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
    dbOptions.close();
    if (ephemeralRoot != null) {
      try {
        deleteRecursively(ephemeralRoot);
      } catch (IOException e) {
        log.warn("badger storage: could not remove ephemeral directory {}", ephemeralRoot, e);
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
