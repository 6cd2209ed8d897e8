package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.DirectoryException.Kind;
import dev.postillion.mailbox.SieveScriptException.Code;
import dev.postillion.mailbox.proto.SieveEntry;
import dev.postillion.mailbox.proto.SieveIndex;
import dev.postillion.sieve.SieveScript;
import dev.postillion.sieve.SieveSyntaxError;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The Sieve scripts of addresses (RFC 5228), as the admin API and ManageSieve (RFC 5804) keep
 * them: several named scripts per address, at most one active, each checked by the engine before
 * it is stored. The index (names, ids, which is active) is a directory record, changed on the
 * directory's writer like the address's other settings; the texts are in their own family, keyed
 * by address and id, as they are larger than anything the directory cache should hold.
 */
public final class AddressSieve {

    /** {@code postillion.directory.sieve}: how many scripts an address may keep, and how large each. */
    public record Limits(int maxScripts, int maxScriptBytes) {}

    /** One stored script, as listed. */
    public record Script(String name, long size, boolean active) {}

    /** RFC 5804 section 1.6: servers take names of at least 128 characters; this is the most here. */
    static final int MAX_NAME_LENGTH = 128;

    private final DirectoryStore records;
    private final Store store;
    private final Limits limits;
    private final String subaddressSeparator;

    AddressSieve(DirectoryStore records, Store store, Limits limits, String subaddressSeparator) {
        this.records = records;
        this.store = store;
        this.limits = limits;
        this.subaddressSeparator = subaddressSeparator;
    }

    public Limits limits() {
        return limits;
    }

    /** What splits a subaddress's user from its detail for {@code :detail} (RFC 5233); empty: off. */
    String subaddressSeparator() {
        return subaddressSeparator;
    }

    // --- reads ---

    /** The address's scripts in the order they were first stored. */
    public CompletionStage<List<Script>> list(EmailAddress address) {
        return records.requireAddress(address).thenCompose(record -> index(address)).thenApply(index -> index
                .getScriptsList().stream()
                .map(entry -> new Script(entry.getName(), entry.getSize(), entry.getName().equals(index.getActive())))
                .toList());
    }

    /** The script's text, or NONEXISTENT. */
    public CompletionStage<String> text(EmailAddress address, String name) {
        return records.requireAddress(address).thenCompose(record -> index(address))
                .thenCompose(index -> text(address, entry(index, name).getId()))
                .thenApply(text -> text.orElseThrow(() -> nonexistent(name)));
    }

    /** The id of the mailbox's active script, if it has one: from the directory cache, at delivery. */
    CompletionStage<Optional<Long>> activeId(EmailAddress mailbox) {
        return index(mailbox).thenApply(index -> index.getScriptsList().stream()
                .filter(entry -> entry.getName().equals(index.getActive())).findFirst().map(SieveEntry::getId));
    }

    /**
     * Whether a script of that name and size could be stored (ManageSieve's HAVESPACE, RFC 5804
     * section 2.5): refused with QUOTA/MAXSIZE or QUOTA/MAXSCRIPTS if not.
     */
    public CompletionStage<Void> checkSpace(EmailAddress address, String name, long size) {
        return records.requireAddress(address).thenCompose(record -> index(address)).thenAccept(index -> {
            checkName(name);
            checkSize(size);
            if (find(index, name) < 0) {
                checkCount(index);
            }
        });
    }

    /**
     * Checks a script as storing it would (ManageSieve's CHECKSCRIPT), without storing it; like
     * every check of a script, on the directory's writer, never on the caller's thread.
     */
    public CompletionStage<Void> check(String text) {
        return records.change(() -> {
            checkSize(text.getBytes(StandardCharsets.UTF_8).length);
            compile(text);
            return null;
        });
    }

    // --- changes ---

    /**
     * Stores the script under {@code name}, replacing one of that name (which stays active if it
     * was). A script the engine refuses is not stored: the error names line, column and problem.
     *
     * @return whether it is new (not a replacement)
     */
    public CompletionStage<Boolean> put(EmailAddress address, String name, String text) {
        return records.change(() -> {
            checkName(name);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            checkSize(utf8.length);
            compile(text);
            await(records.requireAddress(address));
            SieveIndex index = await(index(address));
            int at = find(index, name);
            if (at < 0) {
                checkCount(index);
            }
            long id = Math.max(index.getNextId(), records.clock().millis());
            SieveEntry entry = SieveEntry.newBuilder().setName(name).setId(id).setSize(utf8.length).build();
            SieveIndex.Builder changed = index.toBuilder().setNextId(id + 1);
            StoreBatch batch = new StoreBatch().put(MailboxFamilies.SIEVE_SCRIPTS, textKey(address, id), utf8);
            if (at < 0) {
                changed.addScripts(entry);
            } else {
                changed.setScripts(at, entry);
                batch.delete(MailboxFamilies.SIEVE_SCRIPTS, textKey(address, index.getScripts(at).getId()));
            }
            save(address, changed, batch);
            return at < 0;
        });
    }

    /**
     * Deletes the script. ManageSieve may not delete the active one (RFC 5804 section 2.10); the
     * admin API may, {@code evenActive}, which leaves the address without an active script.
     */
    public CompletionStage<Void> delete(EmailAddress address, String name, boolean evenActive) {
        return records.change(() -> {
            await(records.requireAddress(address));
            SieveIndex index = await(index(address));
            SieveEntry entry = entry(index, name);
            boolean active = name.equals(index.getActive());
            if (active && !evenActive) {
                throw new SieveScriptException(Kind.CONFLICT, Code.ACTIVE, "script " + name
                        + " is active; deactivate it first");
            }
            SieveIndex.Builder changed = index.toBuilder().removeScripts(find(index, name));
            if (active) {
                changed.clearActive();
            }
            save(address, changed, new StoreBatch().delete(MailboxFamilies.SIEVE_SCRIPTS,
                    textKey(address, entry.getId())));
            return null;
        });
    }

    /** Makes the script the active one; any other is deactivated (RFC 5804 section 2.8). */
    public CompletionStage<Void> activate(EmailAddress address, String name) {
        return changeIndex(address, index -> {
            entry(index.build(), name);
            index.setActive(name);
        });
    }

    /** Leaves the address without an active script: its mail is filed as without Sieve. */
    public CompletionStage<Void> deactivate(EmailAddress address) {
        return changeIndex(address, SieveIndex.Builder::clearActive);
    }

    /** Renames a script, keeping whether it is active (RFC 5804 section 2.11.1). */
    public CompletionStage<Void> rename(EmailAddress address, String from, String to) {
        return changeIndex(address, index -> {
            checkName(to);
            SieveEntry entry = entry(index.build(), from);
            if (find(index.build(), to) >= 0) {
                throw new SieveScriptException(Kind.CONFLICT, Code.ALREADY_EXISTS, "a script named " + to
                        + " exists already");
            }
            index.setScripts(find(index.build(), from), entry.toBuilder().setName(to));
            if (index.getActive().equals(from)) {
                index.setActive(to);
            }
        });
    }

    /** With the address's other records, when it is deleted. */
    static void deleteAll(StoreBatch batch, EmailAddress address) {
        batch.delete(MailboxFamilies.DIRECTORY, DirectoryStore.sieveKey(address.domain(), address.localPart()));
        byte[] prefix = Keys.text(address.key());
        batch.deleteRange(MailboxFamilies.SIEVE_SCRIPTS, prefix, Keys.prefixEnd(prefix));
    }

    // --- records ---

    private CompletionStage<SieveIndex> index(EmailAddress address) {
        return records.find(DirectoryStore.sieveKey(address.domain(), address.localPart()), SieveIndex::parseFrom)
                .thenApply(index -> index.orElse(SieveIndex.getDefaultInstance()));
    }

    /** The text of the script with that id; empty when it was deleted meanwhile. */
    CompletionStage<Optional<String>> text(EmailAddress address, long id) {
        return store.read(MailboxFamilies.SIEVE_SCRIPTS, textKey(address, id))
                .thenApply(text -> text.map(bytes -> new String(bytes, StandardCharsets.UTF_8)));
    }

    private CompletionStage<Void> changeIndex(EmailAddress address, Consumer<SieveIndex.Builder> edit) {
        return records.change(() -> {
            await(records.requireAddress(address));
            SieveIndex.Builder index = await(index(address)).toBuilder();
            edit.accept(index);
            save(address, index, new StoreBatch());
            return null;
        });
    }

    /** On the writer thread: the index with {@code batch}, as one commit. */
    private void save(EmailAddress address, SieveIndex.Builder index, StoreBatch batch) {
        records.commit(batch.put(MailboxFamilies.DIRECTORY, DirectoryStore.sieveKey(address.domain(),
                address.localPart()), index.build().toByteArray()));
    }

    private static byte[] textKey(EmailAddress address, long id) {
        return Keys.textAndLong(address.key(), id);
    }

    private static int find(SieveIndex index, String name) {
        for (int i = 0; i < index.getScriptsCount(); i++) {
            if (index.getScripts(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static SieveEntry entry(SieveIndex index, String name) {
        int at = find(index, name);
        if (at < 0) {
            throw nonexistent(name);
        }
        return index.getScripts(at);
    }

    private static SieveScriptException nonexistent(String name) {
        return new SieveScriptException(Kind.NOT_FOUND, Code.NONEXISTENT, "no script named " + name);
    }

    // --- rules ---

    /**
     * RFC 5804 section 1.6: a name is UTF-8 in NFC without control characters (U+0000 to U+001F,
     * U+007F to U+009F) or the line and paragraph separators; here at most 128 characters, not empty.
     */
    static void checkName(String name) {
        String problem = null;
        if (name.isEmpty()) {
            problem = "a script name cannot be empty";
        } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            problem = "a script name is at most " + MAX_NAME_LENGTH + " characters";
        } else if (name.codePoints().anyMatch(c -> c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0x2028
                || c == 0x2029)) {
            problem = "a script name cannot contain control characters or line or paragraph separators";
        } else if (!Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
            problem = "a script name must be in Unicode normalization form C (RFC 5804 section 1.6)";
        }
        if (problem != null) {
            throw new SieveScriptException(Kind.INVALID, Code.NONE, problem);
        }
    }

    private void checkSize(long size) {
        if (size > limits.maxScriptBytes()) {
            throw new SieveScriptException(Kind.INVALID, Code.MAX_SIZE, "a script is at most "
                    + limits.maxScriptBytes() + " bytes");
        }
    }

    private void checkCount(SieveIndex index) {
        if (index.getScriptsCount() >= limits.maxScripts()) {
            throw new SieveScriptException(Kind.INVALID, Code.MAX_SCRIPTS, "an address keeps at most "
                    + limits.maxScripts() + " scripts; delete one first");
        }
    }

    /** The engine's verdict: a script it refuses is named by line, column and problem. */
    private static void compile(String text) {
        try {
            SieveScript.compile(text);
        } catch (SieveSyntaxError e) {
            throw new SieveScriptException(Kind.INVALID, Code.NONE, e.getMessage());
        }
    }
}
