package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.conflict;
import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AddressType;
import dev.postillion.mailbox.proto.DomainRecord;
import dev.postillion.mailbox.proto.ImportWindow;
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
 * created or refused with its reason (SPEC section 1). A mail service ({@link MailServices}), over
 * all its domains, may create {@code import-limit} addresses per {@code import-window}; an import
 * that would go beyond creates nothing and says how many remain. One that would go beyond the
 * service's quota of addresses is a conflict naming the quota, and creates nothing either.
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
    private final MailServices services;
    private final ForwardTargets forwards;
    private final Passwords passwords;
    private final int limit;
    private final Duration window;

    AddressImport(DirectoryStore records, Directory directory, MailServices services, ForwardTargets forwards,
            Passwords passwords, int limit, Duration window) {
        this.records = records;
        this.directory = directory;
        this.services = services;
        this.forwards = forwards;
        this.passwords = passwords;
        this.limit = limit;
        this.window = window;
    }

    /**
     * Creates the addresses of an import. Every line and the quotas are checked first, before any
     * password is hashed: an import refused for its size costs no hashing (issue 12, defect 18).
     * The accepted lines' passwords are then hashed on the import's own hashing threads, away from
     * the directory's writer and from SMTP AUTH's checks; the lines are checked again, since the
     * directory may have changed meanwhile, and written as one change.
     */
    public CompletionStage<Result> run(String domain, List<Line> lines) {
        return records.change(() -> {
            DomainRecord primary = primary(domain);
            Checked checked = check(primary, lines);
            if (!checked.overQuota()) {
                services.checkRoom(primary, (int) checked.accepted());
            }
            return checked;
        }).thenCompose(checked -> {
            if (checked.overQuota()) {
                return CompletableFuture.completedFuture(checked.result(lines, true));
            }
            return hashAccepted(lines, checked).thenCompose(hashes ->
                    records.change(() -> create(primary(domain), lines, checked, hashes)));
        });
    }

    /** On the writer thread: the domain, with its service. */
    private DomainRecord primary(String domain) {
        return services.adopted(await(records.requirePrimary(domain)));
    }

    /**
     * Each line's refusal, if any, how many more addresses the service may create now, and the
     * creations of the current window.
     */
    private record Checked(List<Optional<String>> refusals, int remaining, List<Long> recent) {

        long accepted() {
            return refusals.stream().filter(Optional::isEmpty).count();
        }

        boolean overQuota() {
            return accepted() > remaining;
        }

        Result result(List<Line> lines, boolean limited) {
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                Optional<String> refusal = refusals.get(i);
                outcomes.add(new Outcome(line.line(), line.localPart(), refusal.isEmpty(), refusal.orElse(null)));
            }
            return new Result(outcomes, limited ? remaining : remaining - (int) accepted(), limited);
        }
    }

    private Checked check(DomainRecord primary, List<Line> lines) {
        long now = records.clock().millis();
        List<Long> recent = importWindow(primary.getService()).getCreatedEpochMillisList().stream()
                .filter(created -> created > now - window.toMillis()).toList();
        List<Optional<String>> refusals = new ArrayList<>();
        // Taken by an earlier line of this file: a refused line takes nothing, so a corrected
        // line further down still gets its address.
        Set<String> taken = new HashSet<>();
        for (Line line : lines) {
            Optional<String> refusal = refusal(primary.getName(), line, taken);
            refusals.add(refusal);
            if (refusal.isEmpty()) {
                taken.add(line.localPart().toLowerCase(Locale.ROOT));
            }
        }
        return new Checked(refusals, Math.max(0, limit - recent.size()), recent);
    }

    /** The hash of each line accepted by the first check, empty for the lines it refused. */
    private CompletionStage<List<Optional<String>>> hashAccepted(List<Line> lines, Checked checked) {
        List<CompletableFuture<Optional<String>>> hashes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            hashes.add(checked.refusals().get(i).isPresent() ? CompletableFuture.completedFuture(Optional.empty())
                    : passwords.hash(line.password(), line.localPart()).toCompletableFuture().thenApply(Optional::of));
        }
        return CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new))
                .thenApply(all -> hashes.stream().map(CompletableFuture::join).toList());
    }

    /** Checks the lines again, on the writer, and creates those still accepted that were hashed. */
    private Result create(DomainRecord primary, List<Line> lines, Checked first, List<Optional<String>> hashes) {
        Checked again = check(primary, lines);
        List<Optional<String>> refusals = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            // A line refused at first has no hash: it stays refused for its first reason.
            refusals.add(hashes.get(i).isEmpty() ? first.refusals().get(i) : again.refusals().get(i));
        }
        Checked checked = new Checked(refusals, again.remaining(), again.recent());
        if (checked.overQuota()) {
            return checked.result(lines, true);
        }
        long now = records.clock().millis();
        StoreBatch batch = new StoreBatch();
        services.countAddresses(primary, (int) checked.accepted(), batch);
        ImportWindow.Builder counted = ImportWindow.newBuilder().addAllCreatedEpochMillis(checked.recent());
        Set<String> pending = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (refusals.get(i).isEmpty()) {
                pending.add(lines.get(i).localPart().toLowerCase(Locale.ROOT));
                AddressRecord address = address(primary.getName(), lines.get(i), hashes.get(i).orElseThrow(), pending);
                batch.put(MailboxFamilies.DIRECTORY,
                        DirectoryStore.addressKey(address.getDomain(), address.getLocalPart()), address.toByteArray());
                counted.addCreatedEpochMillis(now);
            }
        }
        batch.put(MailboxFamilies.DIRECTORY, DirectoryStore.importKey(primary.getService()),
                counted.build().toByteArray());
        records.commit(batch);
        return checked.result(lines, false);
    }

    private Optional<String> refusal(String domain, Line line, Set<String> taken) {
        try {
            AddressRules.checkLocalPart(line.localPart());
            if (taken.contains(line.localPart().toLowerCase(Locale.ROOT))) {
                throw conflict("address " + line.localPart() + "@" + domain + " is on an earlier line");
            }
            directory.checkLocalPartFree(domain, line.localPart());
            passwords.checkStrength(line.password(), line.localPart());
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

    private ImportWindow importWindow(String service) {
        return await(records.find(DirectoryStore.importKey(service), ImportWindow::parseFrom))
                .orElse(ImportWindow.getDefaultInstance());
    }
}
