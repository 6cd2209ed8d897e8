package dev.postillion.queue;

import dev.postillion.core.SealingKey;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The spool's content sealed at rest (SPEC section 7): every message's content, its pieces and
 * the parked forwards and replies are written sealed with a key derived from the node's master
 * key, so that no message, and in particular none to an address encrypted at rest, reaches the
 * spool's files (RocksDB's WAL, SST and blob files keep deleted values until compaction) in the
 * clear. The associated data is the value's family and key: a sealed piece moved under another
 * message or number does not open.
 */
final class SpoolSeal {

    private final SealingKey key;

    SpoolSeal(SealingKey key) {
        this.key = key;
    }

    byte[] seal(StoreFamily family, byte[] recordKey, byte[] content) {
        return key.seal(content, associatedData(family, recordKey));
    }

    /** @throws StoreException when the value does not open: changed, or sealed with another master key */
    byte[] open(StoreFamily family, byte[] recordKey, byte[] sealed) {
        try {
            return key.open(sealed, associatedData(family, recordKey));
        } catch (GeneralSecurityException e) {
            throw new StoreException("sealed spool content in " + family.name() + " does not open: changed, or"
                    + " sealed under another master key", e);
        }
    }

    private static byte[] associatedData(StoreFamily family, byte[] recordKey) {
        byte[] name = family.name().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1 + recordKey.length).put(name).put((byte) 0).put(recordKey).array();
    }
}
