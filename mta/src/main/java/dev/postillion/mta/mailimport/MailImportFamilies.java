package dev.postillion.mta.mailimport;

import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import java.util.List;

/** The column families of mailbox imports in the node's store. */
public final class MailImportFamilies {

    /**
     * The jobs ({@code j} address 0x00 id: {@code ImportJobRecord}), the running jobs by the node
     * that runs them ({@code r} node 0x00 address 0x00 id, empty), and the mark that a job's
     * confirmation was spooled ({@code c} address 0x00 id, empty).
     */
    static final StoreFamily IMPORTS = new StoreFamily("mail-imports", false, Placement.SHARED);

    /**
     * The messages imported into each address: address 0x00 SHA-256 of the Message-ID, SHA-256 of
     * the content; the value is where it was copied from: the job's id, the source folder and uid.
     */
    static final StoreFamily IMPORTED = new StoreFamily("mail-imported", false, Placement.SHARED);

    public static final List<StoreFamily> ALL = List.of(IMPORTS, IMPORTED);

    private MailImportFamilies() {}
}
