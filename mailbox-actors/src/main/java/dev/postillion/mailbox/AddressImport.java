package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.conflict;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.core.proto.AddressType;
import dev.postillion.core.proto.DomainRecord;
import dev.postillion.core.proto.ImportWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Bulk creation of a domain's addresses from the lines of a CSV file ({@link AddressCsv}), each
 * created or refused with its reason (SPEC section 1). A mail service (a primary domain with its
 * alias domains) may create {@code import-limit} addresses per {@code import-window}; an import
 * that would go beyond creates nothing and says how many remain.
 */
public final class AddressImport {

    /** One line of a CSV import, as {@link AddressCsv} read it. */
    public record Line(int line, String localPart, String password, List<String> redirect, boolean keepCopy) {}

    /** The fate of one import line: created, or refused with the reason. */
    public record Outcome(int line, String localPart, boolean created, String reason) {}

    /**
     * The answer to an import: every line's outcome, and how many more creations the service may
     * make in the current window. When {@code limited}, the lines would exceed the quota and nothing
     * was created.
     */
    public record Result(List<Outcome> lines, int remaining, boolean limited) {}

    private final DirectoryStore records;
    private final Directory directory;
    private final ForwardTargets forwards;
    private final Passwords passwords;
    private final int limit;
    private final Duration window;

    AddressImport(DirectoryStore records, Directory directory, ForwardTargets forwards, Passwords passwords,
            int limit, Duration window) {
        this.records = records;
        this.directory = directory;
        this.forwards = forwards;
        this.passwords = passwords;
        this.limit = limit;
        this.window = window;
    }

    /**
     * Creates the addresses of an import. The passwords are hashed first, in parallel and away
     * from the directory's writer; the lines are then checked and written as one change.
     */
    public CompletionStage<Result> run(String domain, List<Line> lines) {
        List<CompletableFuture<Optional<String>>> hashes = lines.stream()
                .map(line -> passwords.hash(line.password(), line.localPart()).toCompletableFuture()
                        .thenApply(Optional::of)
                        // A weak password: the line is refused below, with the reason.
                        .exceptionally(weak -> Optional.empty()))
                .toList();
        return CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new)).thenCompose(hashed ->
                records.change(() -> create(records.requirePrimary(domain), lines,
                        hashes.stream().map(CompletableFuture::join).toList())));
    }

    private Result create(DomainRecord primary, List<Line> lines, List<Optional<String>> hashes) {
        long now = records.clock().millis();
        List<Long> recent = importWindow(primary.getName()).getCreatedEpochMillisList().stream()
                .filter(created -> created > now - window.toMillis()).toList();
        int remaining = Math.max(0, limit - recent.size());
        List<Outcome> outcomes = new ArrayList<>();
        List<AddressRecord> created = new ArrayList<>();
        // Taken by an earlier line of this file: a refused line takes nothing, so a corrected
        // line further down still gets its address.
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            Optional<String> refusal = refusal(primary.getName(), line, taken, hashes.get(i));
            outcomes.add(new Outcome(line.line(), line.localPart(), refusal.isEmpty(), refusal.orElse(null)));
            if (refusal.isEmpty()) {
                taken.add(line.localPart().toLowerCase(Locale.ROOT));
                created.add(address(primary.getName(), line, hashes.get(i).orElseThrow(), taken));
            }
        }
        if (created.size() > remaining) {
            return new Result(outcomes, remaining, true);
        }
        StoreBatch batch = new StoreBatch();
        ImportWindow.Builder counted = ImportWindow.newBuilder().addAllCreatedEpochMillis(recent);
        for (AddressRecord address : created) {
            batch.put(StoreFamily.DIRECTORY, DirectoryStore.addressKey(address.getDomain(), address.getLocalPart()),
                    address.toByteArray());
            counted.addCreatedEpochMillis(now);
        }
        batch.put(StoreFamily.DIRECTORY, DirectoryStore.importKey(primary.getName()), counted.build().toByteArray());
        records.commit(batch);
        return new Result(outcomes, remaining - created.size(), false);
    }

    private Optional<String> refusal(String domain, Line line, Set<String> taken, Optional<String> hash) {
        try {
            AddressRules.checkLocalPart(line.localPart());
            if (taken.contains(line.localPart().toLowerCase(Locale.ROOT))) {
                throw conflict("address " + line.localPart() + "@" + domain + " is on an earlier line");
            }
            directory.checkLocalPartFree(domain, line.localPart());
            if (hash.isEmpty()) {
                passwords.checkStrength(line.password(), line.localPart());
            }
            if (!line.redirect().isEmpty()) {
                forwards.redirect(new EmailAddress(line.localPart(), domain), Set.of(), line.redirect(),
                        line.keepCopy(), taken);
            }
            return Optional.empty();
        } catch (DirectoryException e) {
            return Optional.of(e.getMessage());
        }
    }

    private AddressRecord address(String domain, Line line, String hash, Set<String> pending) {
        AddressRecord.Builder record = directory.newAddress(domain, line.localPart(), hash, AddressType.MAILBOX)
                .toBuilder();
        if (!line.redirect().isEmpty()) {
            record.setRedirect(forwards.redirect(new EmailAddress(line.localPart(), domain), Set.of(),
                    line.redirect(), line.keepCopy(), pending));
        }
        return record.build();
    }

    private ImportWindow importWindow(String domain) {
        return records.read(DirectoryStore.importKey(domain), ImportWindow::parseFrom)
                .orElse(ImportWindow.getDefaultInstance());
    }
}
