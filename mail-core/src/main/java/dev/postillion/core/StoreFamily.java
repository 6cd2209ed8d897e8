package dev.postillion.core;

import java.nio.charset.StandardCharsets;

/**
 * One kind of record (ARCHITECTURE "Storage"): a RocksDB column family, or a PostgreSQL table.
 * Declared by the module that owns it (the spool's in delivery-queue's {@code SpoolFamilies}, the
 * directory's and the mailboxes' in mailbox-actors' {@code MailboxFamilies}, the policies' in the
 * mta's {@code PolicyFamilies}) and given to {@link dev.postillion.core.store.NodeStores#open} by
 * the node.
 *
 * @param name its name on disk, which never changes once data is stored under it
 * @param keepsBlobs its values are message bodies, kept in blob files out of the LSM tree
 * @param placement whether its records belong to this node or to the whole service
 */
public record StoreFamily(String name, boolean keepsBlobs, Placement placement) {

    /** Where a family's records live; a batch never spans the two (ARCHITECTURE rule 4). */
    public enum Placement {
        /** The node's own RocksDB, whatever the backend: the spool. A 250 means "on this node's disk". */
        NODE,
        /** The shared store: the node's RocksDB on a single node, PostgreSQL in a cluster. */
        SHARED
    }

    public StoreFamily {
        if (name.isEmpty() || name.equals("default")) {
            throw new IllegalArgumentException("not a column family name: '" + name + "'");
        }
    }

    public byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
