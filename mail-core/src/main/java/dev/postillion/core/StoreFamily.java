package dev.postillion.core;

import java.nio.charset.StandardCharsets;

/**
 * A column family of the node's one RocksDB instance: one kind of record (ARCHITECTURE "Storage"),
 * declared by the module that owns it (the spool's in delivery-queue's {@code SpoolFamilies}, the
 * directory's and the mailboxes' in mailbox-actors' {@code MailboxFamilies}, the policies' in the
 * mta's {@code PolicyFamilies}) and given to {@link dev.postillion.core.store.RocksDbStore#open} by the node.
 *
 * @param name its name on disk, which never changes once data is stored under it
 * @param keepsBlobs its values are message bodies, kept in blob files out of the LSM tree
 */
public record StoreFamily(String name, boolean keepsBlobs) {

    public StoreFamily {
        if (name.isEmpty() || name.equals("default")) {
            throw new IllegalArgumentException("not a column family name: '" + name + "'");
        }
    }

    public byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
