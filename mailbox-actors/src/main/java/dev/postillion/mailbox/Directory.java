package dev.postillion.mailbox;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.typesafe.config.Config;
import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.core.proto.AddressType;
import dev.postillion.core.proto.AliasRecord;
import dev.postillion.core.proto.DomainRecord;
import dev.postillion.core.proto.ImportWindow;
import dev.postillion.core.proto.Redirect;
import dev.postillion.core.proto.ResponderRecord;
import dev.postillion.mailbox.responder.Responder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The hosted domains, their addresses and aliases, and each address's mail settings, stored in
 * the {@code directory} column family (SPEC sections 1 to 4).
 *
 * <p>Reads are point lookups on the caller's thread (SMTP asks at every RCPT). Changes run one at a
 * time on the directory's own writer thread, so that "exists already?" and the write that follows
 * cannot interleave with another change, and so that slow password hashing never runs on an actor
 * or HTTP thread.
 *
 * <p>A mail service is a primary domain with its alias domains: limits "per service" (the CSV import
 * quota) are counted on the primary domain.
 */
public final class Directory implements AutoCloseable {

    /** What the directory says of an envelope recipient. */
    public enum Lookup {
        /** An address (or alias, or catch-all) with a mailbox here. */
        MAILBOX,
        /** A sending-only address: refused at RCPT, 550 5.1.1 ... does not receive mail. */
        NO_REPLY,
        /** A disabled address: refused at RCPT, 550 5.1.1 ... account disabled. */
        DISABLED,
        /** A domain hosted here, but no such address: 550 5.1.1 at RCPT. */
        UNKNOWN_ADDRESS,
        /** Not a domain of ours: relaying, refused on the MX port. */
        NOT_HOSTED
    }

    /**
     * A recipient resolved through alias domains, aliases and the catch-all to the address whose
     * mailbox and settings apply; {@code address} is null unless one matched.
     */
    public record Resolution(Lookup lookup, AddressRecord address) {

        /** The owning address, in canonical form: the mailbox the mail goes to. */
        public EmailAddress mailbox() {
            return new EmailAddress(address.getLocalPart().toLowerCase(Locale.ROOT), address.getDomain());
        }
    }

    /** {@code postillion.directory} settings, documented in mailbox-actors' reference.conf. */
    public record Settings(int passwordMinLength, int passwordIterations, int maxAliases, int maxRedirectTargets,
            int importLimit, Duration importWindow) {

        public static Settings from(Config directory) {
            return new Settings(directory.getInt("password-min-length"), directory.getInt("password-iterations"),
                    directory.getInt("max-aliases"), directory.getInt("max-redirect-targets"),
                    directory.getInt("import-limit"), directory.getDuration("import-window"));
        }
    }

    /** One line of a CSV import, as {@link AddressCsv} read it. */
    public record ImportLine(int line, String localPart, String password, List<String> redirect, boolean keepCopy) {}

    /** The fate of one import line: created, or refused with the reason. */
    public record ImportOutcome(int line, String localPart, boolean created, String reason) {}

    /**
     * The answer to an import: every line's outcome, and how many more creations the service may
     * make in the current window. When {@code limited}, the lines would exceed the quota and nothing
     * was created.
     */
    public record ImportResult(List<ImportOutcome> lines, int remaining, boolean limited) {}

    private static final int LIST_LIMIT = 1_000_000;
    private static final String UTC = "UTC";

    private final Store store;
    private final Clock clock;
    private final Settings settings;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> daemon(r, "directory-writer"));
    /** Password hashing, apart from the writer: an import hashes many at once, one per core. */
    private final ExecutorService hashing = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), r -> daemon(r, "password-hashing"));

    public Directory(Store store, Clock clock, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    // --- reads ---

    public Lookup lookup(EmailAddress recipient) {
        return resolve(recipient).lookup();
    }

    /**
     * Resolves a recipient as mail to it is delivered: an alias domain stands for its primary, then
     * an address, an alias or the domain's catch-all, in that order, owns the mail.
     */
    public Resolution resolve(EmailAddress recipient) {
        Optional<DomainRecord> domain = primary(recipient.domain());
        if (domain.isEmpty()) {
            return new Resolution(Lookup.NOT_HOSTED, null);
        }
        String name = domain.get().getName();
        AddressRecord owner = addressRecord(name, recipient.localPart())
                .or(() -> alias(name, recipient.localPart()).flatMap(alias -> addressRecord(name, alias.getTarget())))
                .or(() -> domain.get().getCatchAll().isEmpty() ? Optional.empty()
                        : addressRecord(name, domain.get().getCatchAll()))
                .orElse(null);
        if (owner == null) {
            return new Resolution(Lookup.UNKNOWN_ADDRESS, null);
        }
        Lookup lookup = owner.getType() == AddressType.NO_REPLY ? Lookup.NO_REPLY
                : owner.getDisabled() ? Lookup.DISABLED : Lookup.MAILBOX;
        return new Resolution(lookup, owner);
    }

    public boolean hosts(String domain) {
        return domain(domain).isPresent();
    }

    public Optional<DomainRecord> domain(String name) {
        return Optional.ofNullable(store.get(StoreFamily.DIRECTORY, domainKey(name)))
                .map(bytes -> parse(() -> DomainRecord.parseFrom(bytes)));
    }

    /** The domain itself, or the primary domain an alias domain mirrors; empty when not hosted. */
    public Optional<DomainRecord> primary(String name) {
        return domain(name).flatMap(domain -> domain.getAliasOf().isEmpty() ? Optional.of(domain)
                : domain(domain.getAliasOf()));
    }

    /** The address exactly as created (not through an alias or an alias domain). */
    public Optional<AddressRecord> address(EmailAddress address) {
        return addressRecord(address.domain(), address.localPart());
    }

    /**
     * Every address that is this address's own: itself and its aliases, in its domain and each of
     * the domain's alias domains; lower case. Mail addressed to any of them is addressed to it.
     */
    public Set<String> ownAddresses(AddressRecord address) {
        List<String> domains = new ArrayList<>();
        domains.add(address.getDomain());
        aliasDomains(address.getDomain()).forEach(alias -> domains.add(alias.getName()));
        List<String> localParts = new ArrayList<>();
        localParts.add(address.getLocalPart());
        localParts.addAll(address.getAliasesList());
        Set<String> own = new LinkedHashSet<>();
        for (String domain : domains) {
            for (String localPart : localParts) {
                own.add((localPart + "@" + domain).toLowerCase(Locale.ROOT));
            }
        }
        return own;
    }

    public List<DomainRecord> domains() {
        return store.prefix(StoreFamily.DIRECTORY, utf8("domain/"), LIST_LIMIT).stream()
                .map(entry -> parse(() -> DomainRecord.parseFrom(entry.value())))
                .toList();
    }

    /** The alias domains of a primary domain, from their index: no scan of every domain. */
    public List<DomainRecord> aliasDomains(String primary) {
        byte[] prefix = aliasDomainPrefix(primary);
        return store.prefix(StoreFamily.DIRECTORY, prefix, LIST_LIMIT).stream()
                .map(entry -> new String(entry.key(), prefix.length, entry.key().length - prefix.length,
                        StandardCharsets.UTF_8))
                .flatMap(alias -> domain(alias).stream())
                .toList();
    }

    public List<AddressRecord> addresses(String domain) {
        requirePrimary(domain);
        return store.prefix(StoreFamily.DIRECTORY, addressPrefix(domain), LIST_LIMIT).stream()
                .map(entry -> parse(() -> AddressRecord.parseFrom(entry.value())))
                .toList();
    }

    /** The address, or NOT_FOUND naming it: for the admin API's per-address routes. */
    public AddressRecord requireAddress(EmailAddress address) {
        return address(address).orElseThrow(() -> notFound("no address " + address));
    }

    // --- domains ---

    public CompletionStage<DomainRecord> createDomain(String name) {
        return change(() -> {
            checkNewDomain(name);
            DomainRecord record = DomainRecord.newBuilder()
                    .setName(name.toLowerCase(Locale.ROOT))
                    .setCreatedEpochMillis(clock.millis())
                    .build();
            commit(new StoreBatch().put(StoreFamily.DIRECTORY, domainKey(name), record.toByteArray()));
            return record;
        });
    }

    /** An alias domain of {@code primary}: {@code x@alias} is delivered as {@code x@primary}. */
    public CompletionStage<DomainRecord> createAliasDomain(String primary, String alias) {
        return change(() -> {
            DomainRecord target = requirePrimary(primary);
            checkNewDomain(alias);
            DomainRecord record = DomainRecord.newBuilder()
                    .setName(alias.toLowerCase(Locale.ROOT))
                    .setCreatedEpochMillis(clock.millis())
                    .setAliasOf(target.getName())
                    .build();
            commit(new StoreBatch().put(StoreFamily.DIRECTORY, domainKey(alias), record.toByteArray())
                    .put(StoreFamily.DIRECTORY, aliasDomainKey(target.getName(), alias), new byte[0]));
            return record;
        });
    }

    /** Removes an alias domain of {@code primary}; mail to it is then refused as not hosted. */
    public CompletionStage<Void> deleteAliasDomain(String primary, String alias) {
        return change(() -> {
            DomainRecord target = requirePrimary(primary);
            DomainRecord record = domain(alias).filter(d -> d.getAliasOf().equals(target.getName()))
                    .orElseThrow(() -> notFound("no alias domain " + alias + " of " + target.getName()));
            commit(removal(record));
            return null;
        });
    }

    private static StoreBatch removal(DomainRecord domain) {
        StoreBatch batch = new StoreBatch().delete(StoreFamily.DIRECTORY, domainKey(domain.getName()));
        if (!domain.getAliasOf().isEmpty()) {
            batch.delete(StoreFamily.DIRECTORY, aliasDomainKey(domain.getAliasOf(), domain.getName()));
        }
        return batch;
    }

    /**
     * Deletes an empty domain or an alias domain; a domain that still has addresses or alias
     * domains is a conflict, never a cascade.
     */
    public CompletionStage<Void> deleteDomain(String name) {
        return change(() -> {
            DomainRecord domain = domain(name).orElseThrow(() -> notFound("no domain " + name));
            if (domain.getAliasOf().isEmpty()) {
                if (!aliasDomains(name).isEmpty()) {
                    throw conflict("domain " + name + " still has alias domains; delete them first");
                }
                if (!store.prefix(StoreFamily.DIRECTORY, addressPrefix(name), 1).isEmpty()) {
                    throw conflict("domain " + name + " still has addresses; delete them first");
                }
            }
            commit(removal(domain));
            return null;
        });
    }

    /** Sets the local part receiving otherwise unknown recipients of the domain; null: none. */
    public CompletionStage<DomainRecord> setCatchAll(String domain, String localPart) {
        return changeDomain(domain, record -> {
            if (localPart == null) {
                return record.clearCatchAll();
            }
            AddressRecord target = addressRecord(record.getName(), localPart).orElseThrow(() -> invalid(
                    "catch-all " + localPart + "@" + record.getName() + " is not an address; create it first"));
            if (target.getType() == AddressType.NO_REPLY) {
                throw invalid("catch-all " + localPart + "@" + record.getName() + " is a no-reply address");
            }
            return record.setCatchAll(target.getLocalPart());
        });
    }

    /** In maintenance, a domain keeps receiving mail but its mailboxes cannot be read. */
    public CompletionStage<DomainRecord> setMaintenance(String domain, boolean maintenance) {
        return changeDomain(domain, record -> record.setMaintenance(maintenance));
    }

    private CompletionStage<DomainRecord> changeDomain(String domain, UnaryOperator<DomainRecord.Builder> edit) {
        return change(() -> {
            DomainRecord changed = edit.apply(requirePrimary(domain).toBuilder()).build();
            commit(new StoreBatch().put(StoreFamily.DIRECTORY, domainKey(domain), changed.toByteArray()));
            return changed;
        });
    }

    private void checkNewDomain(String name) {
        AddressRules.checkDomainName(name);
        if (hosts(name)) {
            throw conflict("domain " + name + " exists already");
        }
    }

    // --- addresses ---

    /**
     * Creates an address. The password is hashed first, on the hashing threads, so that the writer
     * (and every other directory change) never waits for the deliberately slow hash.
     */
    public CompletionStage<AddressRecord> createAddress(String domain, String localPart, String password,
            AddressType type) {
        return CompletableFuture.supplyAsync(() -> {
            AddressRules.checkLocalPart(localPart);
            AddressRules.checkPassword(password, settings.passwordMinLength(), localPart);
            return PasswordHash.of(password, settings.passwordIterations());
        }, hashing).thenCompose(hash -> change(() -> {
            DomainRecord primary = requirePrimary(domain);
            checkLocalPartFree(primary.getName(), localPart);
            AddressRecord record = newAddress(primary.getName(), localPart, hash, type);
            commit(new StoreBatch().put(StoreFamily.DIRECTORY, addressKey(domain, localPart), record.toByteArray()));
            return record;
        }));
    }

    private AddressRecord newAddress(String domain, String localPart, PasswordHash hash, AddressType type) {
        return AddressRecord.newBuilder()
                .setLocalPart(localPart)
                .setDomain(domain)
                .setPasswordHash(ByteString.copyFrom(hash.hash()))
                .setPasswordSalt(ByteString.copyFrom(hash.salt()))
                .setPasswordIterations(hash.iterations())
                .setCreatedEpochMillis(clock.millis())
                .setType(type)
                .build();
    }

    /** A local part is taken by an address or an alias: one may not shadow the other (SPEC 2). */
    private void checkLocalPartFree(String domain, String localPart) {
        addressRecord(domain, localPart).ifPresent(existing -> {
            throw conflict("address " + existing.getLocalPart() + "@" + domain + " exists already");
        });
        alias(domain, localPart).ifPresent(alias -> {
            throw conflict(alias.getLocalPart() + "@" + domain + " is an alias of " + alias.getTarget() + "@" + domain);
        });
    }

    /**
     * Removes the address, its aliases, and the domain's catch-all if it was this address; its
     * mailbox is purged by {@link Mailboxes#purge}.
     */
    public CompletionStage<EmailAddress> deleteAddress(String domain, String localPart) {
        return change(() -> {
            requirePrimary(domain);
            AddressRecord record = addressRecord(domain, localPart)
                    .orElseThrow(() -> notFound("no address " + localPart + "@" + domain));
            StoreBatch batch = new StoreBatch().delete(StoreFamily.DIRECTORY, addressKey(domain, localPart));
            record.getAliasesList().forEach(alias -> batch.delete(StoreFamily.DIRECTORY, aliasKey(domain, alias)));
            DomainRecord owner = requirePrimary(domain);
            if (owner.getCatchAll().equalsIgnoreCase(localPart)) {
                batch.put(StoreFamily.DIRECTORY, domainKey(domain),
                        owner.toBuilder().clearCatchAll().build().toByteArray());
            }
            commit(batch);
            return new EmailAddress(record.getLocalPart().toLowerCase(Locale.ROOT), record.getDomain());
        });
    }

    /** A disabled address refuses mail at RCPT and keeps what it has. */
    public CompletionStage<AddressRecord> setDisabled(EmailAddress address, boolean disabled) {
        return changeAddress(address, record -> record.setDisabled(disabled));
    }

    /** The zone responder dates and weekdays are read in (an IANA zone id such as Europe/Paris). */
    public CompletionStage<AddressRecord> setTimeZone(EmailAddress address, String zone) {
        return changeAddress(address, record -> {
            try {
                return record.setTimeZone(ZoneId.of(zone).getId());
            } catch (DateTimeException e) {
                throw invalid("time zone '" + zone + "' is not a zone id such as UTC or Europe/Paris");
            }
        });
    }

    /** The zone of an address's responder dates: its own, or UTC (also for a zone no longer known). */
    public static ZoneId timeZone(AddressRecord address) {
        try {
            return ZoneId.of(address.getTimeZone().isEmpty() ? UTC : address.getTimeZone());
        } catch (DateTimeException e) {
            // A zone the running JVM's time-zone data no longer has: UTC rather than a failure.
            return ZoneId.of(UTC);
        }
    }

    // --- aliases ---

    /** Adds an alias: another local part of the same domain, delivered to this address. */
    public CompletionStage<AddressRecord> addAlias(EmailAddress address, String localPart) {
        return change(() -> {
            AddressRecord record = requireAddress(address);
            AddressRules.checkLocalPart(localPart);
            if (record.getAliasesCount() >= settings.maxAliases()) {
                throw invalid(address + " has " + settings.maxAliases() + " aliases, the most an address may have");
            }
            checkLocalPartFree(record.getDomain(), localPart);
            AddressRecord changed = record.toBuilder().addAliases(localPart).build();
            AliasRecord alias = AliasRecord.newBuilder().setLocalPart(localPart).setTarget(record.getLocalPart())
                    .build();
            commit(new StoreBatch()
                    .put(StoreFamily.DIRECTORY, aliasKey(record.getDomain(), localPart), alias.toByteArray())
                    .put(StoreFamily.DIRECTORY, addressKey(record.getDomain(), record.getLocalPart()),
                            changed.toByteArray()));
            return changed;
        });
    }

    public CompletionStage<AddressRecord> removeAlias(EmailAddress address, String localPart) {
        return change(() -> {
            AddressRecord record = requireAddress(address);
            List<String> kept = record.getAliasesList().stream()
                    .filter(alias -> !alias.equalsIgnoreCase(localPart)).toList();
            if (kept.size() == record.getAliasesCount()) {
                throw notFound(localPart + "@" + record.getDomain() + " is not an alias of " + address);
            }
            AddressRecord changed = withoutForeignFrom(record.toBuilder().clearAliases().addAllAliases(kept).build());
            commit(new StoreBatch()
                    .delete(StoreFamily.DIRECTORY, aliasKey(record.getDomain(), localPart))
                    .put(StoreFamily.DIRECTORY, addressKey(record.getDomain(), record.getLocalPart()),
                            changed.toByteArray()));
            return changed;
        });
    }

    /**
     * A responder's alternative From must stay the address's own (SPEC section 3): once its alias
     * is gone, the responder answers from the address itself.
     */
    private AddressRecord withoutForeignFrom(AddressRecord address) {
        Set<String> own = ownAddresses(address);
        AddressRecord.Builder changed = address.toBuilder();
        for (int i = 0; i < address.getRespondersCount(); i++) {
            ResponderRecord responder = address.getResponders(i);
            if (!responder.getFrom().isEmpty() && !own.contains(responder.getFrom().toLowerCase(Locale.ROOT))) {
                changed.setResponders(i, responder.toBuilder().clearFrom());
            }
        }
        return changed.build();
    }

    // --- redirect and backup copy ---

    /**
     * Forwards the address's mail to {@code targets}, keeping a copy or not. Targets are checked
     * now: local ones must exist, and none may be the address itself (a loop on the first hop).
     */
    public CompletionStage<AddressRecord> setRedirect(EmailAddress address, List<String> targets, boolean keepCopy) {
        return changeAddress(address, record -> record.setRedirect(
                redirect(address, ownAddresses(record.build()), targets, keepCopy, Set.of())));
    }

    public CompletionStage<AddressRecord> removeRedirect(EmailAddress address) {
        return changeAddress(address, record -> {
            if (!record.hasRedirect()) {
                throw notFound(address + " has no redirect");
            }
            return record.clearRedirect();
        });
    }

    /** Every future incoming message is also sent to {@code target} (SPEC section 2, backup copy). */
    public CompletionStage<AddressRecord> setBackupCopy(EmailAddress address, String target) {
        return changeAddress(address, record -> record.setBackupCopy(
                checkForwardTarget(address, ownAddresses(record.build()), target, "backup copy", Set.of())));
    }

    public CompletionStage<AddressRecord> removeBackupCopy(EmailAddress address) {
        return changeAddress(address, record -> {
            if (record.getBackupCopy().isEmpty()) {
                throw notFound(address + " has no backup copy");
            }
            return record.clearBackupCopy();
        });
    }

    /**
     * A redirect of {@code self} to {@code targets}, each checked and in canonical form, repeats
     * dropped.
     *
     * @param own the other names of {@code self} (aliases, alias domains), none of which may be a target
     * @param pending local parts of self's domain created together with it (an import's earlier lines)
     */
    private Redirect redirect(EmailAddress self, Set<String> own, List<String> targets, boolean keepCopy,
            Set<String> pending) {
        if (targets.isEmpty()) {
            throw invalid("a redirect needs at least one target");
        }
        if (targets.size() > settings.maxRedirectTargets()) {
            throw invalid("a redirect has at most " + settings.maxRedirectTargets() + " targets");
        }
        Set<String> canonical = new LinkedHashSet<>();
        for (String target : targets) {
            canonical.add(checkForwardTarget(self, own, target, "redirect target", pending));
        }
        return Redirect.newBuilder().addAllTargets(canonical).setKeepCopy(keepCopy).build();
    }

    /**
     * A target mail of {@code self} is sent on to: not {@code self} under any of its names (a loop
     * on the first hop), and at a hosted domain an address that receives mail.
     *
     * @return the target in canonical (lower-case) form
     */
    private String checkForwardTarget(EmailAddress self, Set<String> own, String target, String what,
            Set<String> pending) {
        EmailAddress parsed = parseAddress(target, what);
        if (parsed.key().equals(self.key()) || own.contains(parsed.key())) {
            throw invalid(what + " " + target + " is the address itself");
        }
        boolean createdWithSelf = parsed.domainKey().equals(self.domainKey())
                && pending.contains(parsed.localPart().toLowerCase(Locale.ROOT));
        if (hosts(parsed.domain()) && !createdWithSelf) {
            Resolution resolution = resolve(parsed);
            if (resolution.lookup() != Lookup.MAILBOX) {
                throw invalid(what + " " + target + " is not an address that receives mail here");
            }
            if (resolution.mailbox().key().equals(self.key())) {
                throw invalid(what + " " + target + " leads back to the address itself (through the catch-all)");
            }
        }
        return parsed.key();
    }

    // --- allow and block lists ---

    /**
     * Replaces the address's sender lists; each entry is {@code local@domain} or {@code @domain}.
     *
     * @return warnings for the operator: the address's own address on its allow list lets anyone
     *     forging it skip the spam verdict
     */
    public CompletionStage<List<String>> setLists(EmailAddress address, List<String> allow, List<String> block,
            boolean rejectBlocked) {
        return change(() -> {
            AddressRecord record = requireAddress(address);
            List<String> allowed = SenderLists.canonical(allow, "allow");
            List<String> blocked = SenderLists.canonical(block, "block");
            AddressRecord changed = record.toBuilder()
                    .clearAllow().addAllAllow(allowed)
                    .clearBlock().addAllBlock(blocked)
                    .setRejectBlocked(rejectBlocked)
                    .build();
            commit(new StoreBatch().put(StoreFamily.DIRECTORY,
                    addressKey(record.getDomain(), record.getLocalPart()), changed.toByteArray()));
            Set<String> own = ownAddresses(record);
            return allowed.stream().filter(own::contains)
                    .map(entry -> "the allow list contains " + entry + ", the address's own address:"
                            + " mail forged with it would skip the spam verdict")
                    .toList();
        });
    }

    // --- responders ---

    /** Stores a new responder (inactive) and returns it with its id. */
    public CompletionStage<ResponderRecord> addResponder(EmailAddress address, ResponderRecord responder) {
        return change(() -> {
            AddressRecord record = requireAddress(address);
            ResponderRecord stored = checkResponder(record,
                    responder.toBuilder().setId(Long.toString(record.getNextResponderId() + 1)).build());
            saveAddress(record.toBuilder().addResponders(stored).setNextResponderId(record.getNextResponderId() + 1));
            return stored;
        });
    }

    /** Replaces a responder's settings; its id and whether it is active stay. */
    public CompletionStage<ResponderRecord> replaceResponder(EmailAddress address, String id,
            ResponderRecord responder) {
        return change(() -> {
            AddressRecord record = requireAddress(address);
            int index = responderIndex(record, id);
            ResponderRecord stored = checkResponder(record, responder.toBuilder().setId(id).build());
            saveAddress(record.toBuilder().setResponders(index, stored));
            return stored;
        });
    }

    public CompletionStage<Void> removeResponder(EmailAddress address, String id) {
        return change(() -> {
            AddressRecord record = requireAddress(address);
            AddressRecord.Builder changed = record.toBuilder().removeResponders(responderIndex(record, id));
            if (record.getActiveResponder().equals(id)) {
                changed.clearActiveResponder();
            }
            saveAddress(changed);
            return null;
        });
    }

    /** Makes the responder the active one; any other is deactivated (SPEC section 3). */
    public CompletionStage<AddressRecord> activateResponder(EmailAddress address, String id) {
        return changeAddress(address, record -> {
            responderIndex(record.build(), id);
            return record.setActiveResponder(id);
        });
    }

    public CompletionStage<AddressRecord> deactivateResponder(EmailAddress address, String id) {
        return changeAddress(address, record -> {
            responderIndex(record.build(), id);
            return record.getActiveResponder().equals(id) ? record.clearActiveResponder() : record;
        });
    }

    /** The active responder of an address, if any. */
    public static Optional<ResponderRecord> activeResponder(AddressRecord address) {
        return address.getRespondersList().stream()
                .filter(responder -> responder.getId().equals(address.getActiveResponder()))
                .findFirst();
    }

    /** @return the responder with its weekdays in canonical form, Monday first */
    private ResponderRecord checkResponder(AddressRecord address, ResponderRecord responder) {
        Responder checked;
        try {
            checked = Responders.toResponder(responder);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (!responder.getFrom().isEmpty()
                && !ownAddresses(address).contains(responder.getFrom().toLowerCase(Locale.ROOT))) {
            throw invalid("from " + responder.getFrom() + " is neither the address nor one of its aliases");
        }
        return responder.toBuilder().clearWeekdays()
                .addAllWeekdays(checked.weekdays().stream().sorted().map(DayOfWeek::name).toList())
                .build();
    }

    private static int responderIndex(AddressRecord address, String id) {
        for (int i = 0; i < address.getRespondersCount(); i++) {
            if (address.getResponders(i).getId().equals(id)) {
                return i;
            }
        }
        throw notFound("no responder " + id + " for " + address.getLocalPart() + "@" + address.getDomain());
    }

    // --- bulk import ---

    /**
     * Creates the addresses of a CSV import: each line is created or refused with the reason. The
     * service may create {@code import-limit} addresses per {@code import-window}; an import that
     * would go beyond creates nothing, and says how many remain.
     */
    public CompletionStage<ImportResult> importAddresses(String domain, List<ImportLine> lines) {
        List<CompletableFuture<Optional<PasswordHash>>> hashes = lines.stream()
                .map(line -> CompletableFuture.supplyAsync(() -> hashIfStrong(line), hashing))
                .toList();
        return CompletableFuture.allOf(hashes.toArray(CompletableFuture[]::new)).thenCompose(hashed -> change(() -> {
            DomainRecord primary = requirePrimary(domain);
            long since = clock.millis() - settings.importWindow().toMillis();
            List<Long> recent = importWindow(primary.getName()).getCreatedEpochMillisList().stream()
                    .filter(created -> created > since).toList();
            int remaining = Math.max(0, settings.importLimit() - recent.size());
            List<ImportOutcome> outcomes = new ArrayList<>();
            List<AddressRecord> created = new ArrayList<>();
            // Taken by an earlier line of this file: a refused line takes nothing, so a corrected
            // line further down still gets its address.
            Set<String> taken = new HashSet<>();
            for (int i = 0; i < lines.size(); i++) {
                ImportLine line = lines.get(i);
                Optional<String> refusal = importRefusal(primary.getName(), line, taken, hashes.get(i).join());
                outcomes.add(new ImportOutcome(line.line(), line.localPart(), refusal.isEmpty(), refusal.orElse(null)));
                if (refusal.isEmpty()) {
                    taken.add(line.localPart().toLowerCase(Locale.ROOT));
                    created.add(importedAddress(primary.getName(), line, hashes.get(i).join().orElseThrow(), taken));
                }
            }
            if (created.size() > remaining) {
                return new ImportResult(outcomes, remaining, true);
            }
            StoreBatch batch = new StoreBatch();
            ImportWindow.Builder window = ImportWindow.newBuilder().addAllCreatedEpochMillis(recent);
            for (AddressRecord address : created) {
                batch.put(StoreFamily.DIRECTORY, addressKey(address.getDomain(), address.getLocalPart()),
                        address.toByteArray());
                window.addCreatedEpochMillis(clock.millis());
            }
            batch.put(StoreFamily.DIRECTORY, importKey(primary.getName()), window.build().toByteArray());
            commit(batch);
            return new ImportResult(outcomes, remaining - created.size(), false);
        }));
    }

    /** The line's password hash, made ahead of the writer; empty for a password that will be refused. */
    private Optional<PasswordHash> hashIfStrong(ImportLine line) {
        try {
            AddressRules.checkPassword(line.password(), settings.passwordMinLength(), line.localPart());
            return Optional.of(PasswordHash.of(line.password(), settings.passwordIterations()));
        } catch (DirectoryException e) {
            return Optional.empty();
        }
    }

    private Optional<String> importRefusal(String domain, ImportLine line, Set<String> taken,
            Optional<PasswordHash> hash) {
        try {
            AddressRules.checkLocalPart(line.localPart());
            if (taken.contains(line.localPart().toLowerCase(Locale.ROOT))) {
                throw conflict("address " + line.localPart() + "@" + domain + " is on an earlier line");
            }
            checkLocalPartFree(domain, line.localPart());
            if (hash.isEmpty()) {
                AddressRules.checkPassword(line.password(), settings.passwordMinLength(), line.localPart());
            }
            if (!line.redirect().isEmpty()) {
                redirect(new EmailAddress(line.localPart(), domain), Set.of(), line.redirect(), line.keepCopy(), taken);
            }
            return Optional.empty();
        } catch (DirectoryException e) {
            return Optional.of(e.getMessage());
        }
    }

    private AddressRecord importedAddress(String domain, ImportLine line, PasswordHash hash, Set<String> pending) {
        AddressRecord.Builder record = newAddress(domain, line.localPart(), hash, AddressType.MAILBOX).toBuilder();
        if (!line.redirect().isEmpty()) {
            record.setRedirect(redirect(new EmailAddress(line.localPart(), domain), Set.of(), line.redirect(),
                    line.keepCopy(), pending));
        }
        return record.build();
    }

    private ImportWindow importWindow(String domain) {
        byte[] bytes = store.get(StoreFamily.DIRECTORY, importKey(domain));
        return bytes == null ? ImportWindow.getDefaultInstance() : parse(() -> ImportWindow.parseFrom(bytes));
    }

    // --- plumbing ---

    private Optional<AddressRecord> addressRecord(String domain, String localPart) {
        return Optional.ofNullable(store.get(StoreFamily.DIRECTORY, addressKey(domain, localPart)))
                .map(bytes -> parse(() -> AddressRecord.parseFrom(bytes)));
    }

    private Optional<AliasRecord> alias(String domain, String localPart) {
        return Optional.ofNullable(store.get(StoreFamily.DIRECTORY, aliasKey(domain, localPart)))
                .map(bytes -> parse(() -> AliasRecord.parseFrom(bytes)));
    }

    private DomainRecord requirePrimary(String domain) {
        DomainRecord record = domain(domain).orElseThrow(() -> notFound("no domain " + domain));
        if (!record.getAliasOf().isEmpty()) {
            throw invalid(record.getName() + " is an alias domain of " + record.getAliasOf()
                    + "; manage addresses there");
        }
        return record;
    }

    private CompletionStage<AddressRecord> changeAddress(EmailAddress address,
            UnaryOperator<AddressRecord.Builder> edit) {
        return change(() -> saveAddress(edit.apply(requireAddress(address).toBuilder())));
    }

    private AddressRecord saveAddress(AddressRecord.Builder record) {
        AddressRecord saved = record.build();
        commit(new StoreBatch().put(StoreFamily.DIRECTORY, addressKey(saved.getDomain(), saved.getLocalPart()),
                saved.toByteArray()));
        return saved;
    }

    private static EmailAddress parseAddress(String text, String what) {
        try {
            return EmailAddress.parse(text == null ? "" : text.trim(), true);
        } catch (AddressSyntaxException e) {
            throw invalid(what + " '" + text + "' is not an address: " + e.getMessage());
        }
    }

    private <T> CompletionStage<T> change(Supplier<T> change) {
        return CompletableFuture.supplyAsync(change, writer);
    }

    private void commit(StoreBatch batch) {
        store.commit(batch, Durability.SYNC).toCompletableFuture().join();
    }

    private interface Parser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Parser<T> parser) {
        try {
            return parser.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt directory record: " + e.getMessage(), e);
        }
    }

    private static DirectoryException invalid(String message) {
        return new DirectoryException(DirectoryException.Kind.INVALID, message);
    }

    private static DirectoryException notFound(String message) {
        return new DirectoryException(DirectoryException.Kind.NOT_FOUND, message);
    }

    private static DirectoryException conflict(String message) {
        return new DirectoryException(DirectoryException.Kind.CONFLICT, message);
    }

    private static byte[] domainKey(String domain) {
        return utf8("domain/" + domain.toLowerCase(Locale.ROOT));
    }

    private static byte[] addressPrefix(String domain) {
        return utf8("address/" + domain.toLowerCase(Locale.ROOT) + "/");
    }

    private static byte[] addressKey(String domain, String localPart) {
        return utf8("address/" + domain.toLowerCase(Locale.ROOT) + "/" + localPart.toLowerCase(Locale.ROOT));
    }

    private static byte[] aliasKey(String domain, String localPart) {
        return utf8("alias/" + domain.toLowerCase(Locale.ROOT) + "/" + localPart.toLowerCase(Locale.ROOT));
    }

    private static byte[] aliasDomainPrefix(String primary) {
        return utf8("alias-domain/" + primary.toLowerCase(Locale.ROOT) + "/");
    }

    private static byte[] aliasDomainKey(String primary, String alias) {
        return utf8("alias-domain/" + primary.toLowerCase(Locale.ROOT) + "/" + alias.toLowerCase(Locale.ROOT));
    }

    private static byte[] importKey(String domain) {
        return utf8("import/" + domain.toLowerCase(Locale.ROOT));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        writer.shutdown();
        hashing.shutdown();
    }
}
