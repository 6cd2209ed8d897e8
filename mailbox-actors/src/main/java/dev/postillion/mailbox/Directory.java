package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.conflict;
import static dev.postillion.mailbox.DirectoryException.invalid;
import static dev.postillion.mailbox.DirectoryException.notFound;
import static dev.postillion.mailbox.DirectoryStore.LIST_LIMIT;
import static dev.postillion.mailbox.DirectoryStore.addressKey;
import static dev.postillion.mailbox.DirectoryStore.addressPrefix;
import static dev.postillion.mailbox.DirectoryStore.aliasDomainKey;
import static dev.postillion.mailbox.DirectoryStore.aliasDomainPrefix;
import static dev.postillion.mailbox.DirectoryStore.aliasKey;
import static dev.postillion.mailbox.DirectoryStore.await;
import static dev.postillion.mailbox.DirectoryStore.domainKey;
import static dev.postillion.mailbox.DirectoryStore.domainPrefix;

import com.typesafe.config.Config;
import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.DomainName;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.encryption.MailEncryption;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AddressType;
import dev.postillion.mailbox.proto.DomainRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The hosted domains, their addresses and aliases, and each address's mail settings, stored in
 * the {@code directory} column family (SPEC sections 1 to 4); bulk import is {@link AddressImport},
 * responders are {@link AddressResponders} and aliases {@link AddressAliases}, over the same
 * {@link DirectoryStore}. Other modules are given {@link Domain}s and {@link Address}es, never the
 * stored records.
 *
 * <p>Every read completes a future: at once from the {@link DirectoryCache}, else on the store's
 * reader threads, never blocking the caller, be it an SMTP session, a mailbox or an admin route
 * (the listings read the store, not the cache). Changes run one at a time on the directory's own
 * writer thread, so that "exists already?" and the write that follows cannot interleave with
 * another change; that thread alone waits for its reads. Passwords are hashed and checked on threads of their own
 * ({@link Passwords}), never on an actor, I/O or the writer's thread.
 *
 * <p>Each primary domain belongs to a mail service ({@link MailServices}), whose quota of addresses
 * is counted in the change that creates or deletes one; alias domains belong to their primary's.
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
     * mailbox and settings apply; {@code address} is null unless one matched. {@code
     * throughCatchAll} when no address or alias matched and the domain's catch-all took it.
     */
    public record Resolution(Lookup lookup, Address address, boolean throughCatchAll) {

        /** The owning address, in canonical form: the mailbox the mail goes to. */
        public EmailAddress mailbox() {
            return address.mailbox();
        }
    }

    /** {@code postillion.directory} settings, documented in mailbox-actors' reference.conf. */
    public record Settings(int passwordMinLength, PasswordHash.Cost passwordCost, int maxAliases,
            int maxRedirectTargets, int importLimit, Duration importWindow, int cacheSize,
            String subaddressSeparator, int maxAppPasswords, AddressSieve.Limits sieveLimits,
            PasswordHash.Cost keyWrapCost) {

        /** 16 scripts of at most 64 KiB per address. */
        public static final AddressSieve.Limits SIEVE_LIMITS = new AddressSieve.Limits(16, 64 * 1024);

        /**
         * With the default subaddress separator, '+', 20 app passwords, the default Sieve limits and
         * keys wrapped at the passwords' cost.
         */
        public Settings(int passwordMinLength, PasswordHash.Cost passwordCost, int maxAliases,
                int maxRedirectTargets, int importLimit, Duration importWindow, int cacheSize) {
            this(passwordMinLength, passwordCost, maxAliases, maxRedirectTargets, importLimit, importWindow,
                    cacheSize, "+", 20, SIEVE_LIMITS, passwordCost);
        }

        public static Settings from(Config directory) {
            return new Settings(directory.getInt("password-min-length"),
                    PasswordHash.Cost.from(directory.getConfig("password-hash")),
                    directory.getInt("max-aliases"), directory.getInt("max-redirect-targets"),
                    directory.getInt("import-limit"), directory.getDuration("import-window"),
                    directory.getInt("cache-size"), directory.getString("subaddress-separator"),
                    directory.getInt("max-app-passwords"),
                    new AddressSieve.Limits(directory.getInt("sieve.max-scripts"),
                            Math.toIntExact(directory.getBytes("sieve.max-script-size"))),
                    PasswordHash.Cost.from(directory.getConfig("key-wrap")));
        }
    }

    private final DirectoryStore records;
    private final Clock clock;
    private final Passwords passwords;
    private final PasswordChanges passwordChanges = new PasswordChanges();
    private final AddressImport imports;
    private final AddressResponders responders;
    private final AddressAliases aliases;
    private final AppPasswords appPasswords;
    private final AddressDelivery delivery;
    private final ForwardTargets forwards;
    private final RecipientResolver resolver;
    private final MailServices services;
    private final AddressSieve sieve;
    private final ExecutorService encryptionThreads = Passwords.threads("mail-encryption",
            Runtime.getRuntime().availableProcessors());
    private final AddressEncryption encryption;

    public Directory(Store store, Clock clock, Settings settings) {
        this(store, clock, settings, new Passwords(settings.passwordMinLength(), settings.passwordCost()));
    }

    Directory(Store store, Clock clock, Settings settings, Passwords passwords) {
        this.records = new DirectoryStore(store, clock, settings.cacheSize());
        this.clock = clock;
        this.passwords = passwords;
        this.forwards = new ForwardTargets(this, settings.maxRedirectTargets());
        this.services = new MailServices(records);
        this.imports = new AddressImport(records, this, services, forwards, passwords, settings.importLimit(),
                settings.importWindow());
        this.responders = new AddressResponders(records, this);
        this.aliases = new AddressAliases(records, this, settings.maxAliases());
        this.appPasswords = new AppPasswords(records, passwords, passwordChanges, settings.maxAppPasswords());
        this.resolver = new RecipientResolver(records, settings.subaddressSeparator());
        this.delivery = new AddressDelivery(records, this, forwards);
        this.sieve = new AddressSieve(records, store, settings.sieveLimits(), settings.subaddressSeparator());
        this.encryption = new AddressEncryption(records, passwords, passwordChanges,
                new MailEncryption(settings.keyWrapCost(), encryptionThreads), clock);
    }

    /** Bulk creation of addresses from a CSV file. */
    public AddressImport imports() {
        return imports;
    }

    /** The mail services owning the domains, and their quotas of addresses. */
    public MailServices services() {
        return services;
    }

    /** The addresses' out-of-office responders. */
    public AddressResponders responders() {
        return responders;
    }

    /** The addresses' Sieve scripts. */
    public AddressSieve sieve() {
        return sieve;
    }

    /** The addresses' aliases. */
    public AddressAliases aliases() {
        return aliases;
    }

    /** How mail to the addresses is delivered: redirects, backup copies, sender lists. */
    public AddressDelivery delivery() {
        return delivery;
    }

    /** The addresses' app passwords. */
    public AppPasswords appPasswords() {
        return appPasswords;
    }

    /** The addresses' encryption at rest. */
    public AddressEncryption encryption() {
        return encryption;
    }

    // --- reads ---

    /**
     * Resolves a recipient as mail to it is delivered: an alias domain stands for its primary, then
     * an address, an alias, the same for a subaddress's user (RFC 5233) or the domain's catch-all,
     * in that order, owns the mail ({@link RecipientResolver}). Completes at once from the cache,
     * else on the store's reader thread; never blocks the caller.
     */
    public CompletionStage<Resolution> resolve(EmailAddress recipient) {
        return primary(recipient.domain()).thenCompose(domain -> domain.isEmpty()
                ? CompletableFuture.completedFuture(new Resolution(Lookup.NOT_HOSTED, null, false))
                : resolver.resolve(domain.get(), recipient.localPart()));
    }

    /**
     * The address a subaddress stands for: {@code anna@example.test} for {@code
     * anna+news@example.test} (RFC 5233), whether or not it exists; empty when the recipient is no
     * subaddress or subaddressing is off.
     */
    public Optional<EmailAddress> withoutDetail(EmailAddress recipient) {
        return resolver.user(recipient.localPart()).map(user -> new EmailAddress(user, recipient.domain()));
    }

    /** Whether the domain (or an alias domain) is hosted here; never blocks the caller. */
    public CompletionStage<Boolean> hosts(String domain) {
        return records.domain(domain).thenApply(Optional::isPresent);
    }

    /**
     * The domain itself, or the primary domain an alias domain mirrors; empty when not hosted.
     * Never blocks the caller.
     */
    public CompletionStage<Optional<Domain>> primary(String name) {
        return records.domain(name).thenCompose(domain -> domain.isEmpty() || domain.get().getAliasOf().isEmpty()
                ? CompletableFuture.completedFuture(domain)
                : records.domain(domain.get().getAliasOf())).thenApply(found -> found.map(Domain::of));
    }

    /** The domain or alias domain; empty when not hosted. Never blocks the caller. */
    public CompletionStage<Optional<Domain>> domain(String name) {
        return records.domain(name).thenApply(found -> found.map(Domain::of));
    }

    /** The domain or alias domain, or NOT_FOUND naming it: for the admin API's per-domain routes. */
    public CompletionStage<Domain> requireDomain(String name) {
        return records.requireDomain(name).thenApply(Domain::of);
    }

    /** The address exactly as created (not through an alias or an alias domain); never blocks. */
    public CompletionStage<Optional<Address>> address(EmailAddress address) {
        return records.address(address.domain(), address.localPart())
                .thenApply(found -> found.map(AddressRecords::address));
    }

    /**
     * Every address that is this address's own: itself and its aliases, in its domain and each of
     * the domain's alias domains; lower case. Mail addressed to any of them is addressed to it.
     */
    public CompletionStage<Set<String>> ownAddresses(Address address) {
        return ownAddresses(address.domain(), address.localPart(), address.aliases());
    }

    /** {@link #ownAddresses(Address)} of an address as stored, for the changes that need them. */
    CompletionStage<Set<String>> ownAddresses(AddressRecord address) {
        return ownAddresses(address.getDomain(), address.getLocalPart(), address.getAliasesList());
    }

    private CompletionStage<Set<String>> ownAddresses(String domain, String localPart, List<String> aliases) {
        return aliasDomains(domain).thenApply(aliasDomains -> {
            List<String> domains = new ArrayList<>();
            domains.add(domain);
            aliasDomains.forEach(alias -> domains.add(alias.name()));
            List<String> localParts = new ArrayList<>();
            localParts.add(localPart);
            localParts.addAll(aliases);
            Set<String> own = new LinkedHashSet<>();
            for (String name : domains) {
                for (String local : localParts) {
                    own.add((local + "@" + name).toLowerCase(Locale.ROOT));
                }
            }
            return own;
        });
    }

    public CompletionStage<List<Domain>> domains() {
        return records.prefix(domainPrefix(), LIST_LIMIT).thenApply(entries -> entries.stream()
                .map(entry -> Domain.of(DirectoryStore.parse(DomainRecord::parseFrom, entry.value())))
                .toList());
    }

    /** The alias domains of a primary domain, from their index: no scan of every domain. */
    public CompletionStage<List<Domain>> aliasDomains(String primary) {
        byte[] prefix = aliasDomainPrefix(primary);
        return records.prefix(prefix, LIST_LIMIT).thenCompose(entries -> {
            List<CompletableFuture<Optional<DomainRecord>>> aliases = entries.stream()
                    .map(entry -> new String(entry.key(), prefix.length, entry.key().length - prefix.length,
                            StandardCharsets.UTF_8))
                    .map(alias -> records.domain(alias).toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(aliases.toArray(CompletableFuture[]::new)).thenApply(read -> aliases
                    .stream().flatMap(alias -> alias.join().stream()).map(Domain::of).toList()); // joins wait for nothing
        });
    }

    public CompletionStage<List<Address>> addresses(String domain) {
        return records.requirePrimary(domain)
                .thenCompose(primary -> records.prefix(addressPrefix(domain), LIST_LIMIT))
                .thenApply(entries -> entries.stream()
                        .map(entry -> DirectoryStore.parse(AddressRecord::parseFrom, entry.value()))
                        .map(AddressRecords::address)
                        .toList());
    }

    /** The address, or NOT_FOUND naming it: for the admin API's per-address routes. */
    public CompletionStage<Address> requireAddress(EmailAddress address) {
        return records.requireAddress(address).thenApply(AddressRecords::address);
    }

    // --- domains ---

    /** A domain in the service named after it, created without a quota if there is none. */
    public CompletionStage<Domain> createDomain(String name) {
        return createDomain(name, Optional.empty());
    }

    /** A domain of {@code service}, which must exist; empty: as {@link #createDomain(String)}. */
    public CompletionStage<Domain> createDomain(String name, Optional<String> service) {
        return records.change(() -> {
            checkNewDomain(name);
            DomainRecord record = DomainRecord.newBuilder().setName(DomainName.key(name))
                    .setCreatedEpochMillis(clock.millis()).build();
            StoreBatch batch = new StoreBatch();
            Domain created = Domain.of(services.join(record, service, batch));
            records.commit(batch);
            return created;
        });
    }

    /** An alias domain of {@code primary}: {@code x@alias} is delivered as {@code x@primary}. */
    public CompletionStage<Domain> createAliasDomain(String primary, String alias) {
        return records.change(() -> {
            DomainRecord target = await(records.requirePrimary(primary));
            checkNewDomain(alias);
            DomainRecord record = DomainRecord.newBuilder()
                    .setName(DomainName.key(alias))
                    .setCreatedEpochMillis(clock.millis())
                    .setAliasOf(target.getName())
                    .build();
            records.commit(new StoreBatch().put(MailboxFamilies.DIRECTORY, domainKey(alias), record.toByteArray())
                    .put(MailboxFamilies.DIRECTORY, aliasDomainKey(target.getName(), alias), new byte[0]));
            return Domain.of(record);
        });
    }

    /** Removes an alias domain of {@code primary}; mail to it is then refused as not hosted. */
    public CompletionStage<Void> deleteAliasDomain(String primary, String alias) {
        return records.change(() -> {
            DomainRecord target = await(records.requirePrimary(primary));
            DomainRecord record = await(records.domain(alias)).filter(d -> d.getAliasOf().equals(target.getName()))
                    .orElseThrow(() -> notFound("no alias domain " + alias + " of " + target.getName()));
            records.commit(removal(record));
            return null;
        });
    }

    private static StoreBatch removal(DomainRecord domain) {
        StoreBatch batch = new StoreBatch().delete(MailboxFamilies.DIRECTORY, domainKey(domain.getName()));
        if (!domain.getAliasOf().isEmpty()) {
            batch.delete(MailboxFamilies.DIRECTORY, aliasDomainKey(domain.getAliasOf(), domain.getName()));
        }
        return batch;
    }

    /**
     * Deletes an empty domain or an alias domain; a domain that still has addresses or alias
     * domains is a conflict, never a cascade.
     */
    public CompletionStage<Void> deleteDomain(String name) {
        return records.change(() -> {
            DomainRecord domain = await(records.requireDomain(name));
            if (domain.getAliasOf().isEmpty()) {
                if (!await(aliasDomains(name)).isEmpty()) {
                    throw conflict("domain " + name + " still has alias domains; delete them first");
                }
                if (!await(records.prefix(addressPrefix(name), 1)).isEmpty()) {
                    throw conflict("domain " + name + " still has addresses; delete them first");
                }
            }
            StoreBatch batch = removal(domain);
            services.leave(domain, batch);
            records.commit(batch);
            return null;
        });
    }

    /** Sets the local part receiving otherwise unknown recipients of the domain; null: none. */
    public CompletionStage<Domain> setCatchAll(String domain, String localPart) {
        return changeDomain(domain, record -> {
            if (localPart == null) {
                return record.clearCatchAll();
            }
            AddressRecord target = await(records.address(record.getName(), localPart)).orElseThrow(() -> invalid(
                    "catch-all " + localPart + "@" + record.getName() + " is not an address; create it first"));
            if (target.getType() == AddressType.NO_REPLY) {
                throw invalid("catch-all " + localPart + "@" + record.getName() + " is a no-reply address");
            }
            return record.setCatchAll(target.getLocalPart());
        });
    }

    /** In maintenance, a domain keeps receiving mail but its mailboxes cannot be read. */
    public CompletionStage<Domain> setMaintenance(String domain, boolean maintenance) {
        return changeDomain(domain, record -> record.setMaintenance(maintenance));
    }

    private CompletionStage<Domain> changeDomain(String domain, UnaryOperator<DomainRecord.Builder> edit) {
        return records.change(() -> {
            DomainRecord changed = edit.apply(await(records.requirePrimary(domain)).toBuilder()).build();
            records.commit(new StoreBatch().put(MailboxFamilies.DIRECTORY, domainKey(domain), changed.toByteArray()));
            return Domain.of(changed);
        });
    }

    private void checkNewDomain(String name) {
        AddressRules.checkDomainName(name);
        if (await(hosts(name))) { // on the writer thread
            throw conflict("domain " + name + " exists already");
        }
    }

    // --- addresses ---

    /**
     * Creates an address. The password is hashed first, on the hashing threads, so that the writer
     * (and every other directory change) never waits for the deliberately slow hash.
     */
    public CompletionStage<Address> createAddress(String domain, String localPart, String password,
            Address.Type type) {
        return CompletableFuture.runAsync(() -> AddressRules.checkLocalPart(localPart), Runnable::run)
                .thenCompose(checked -> passwords.hash(password, localPart))
                .thenCompose(hash -> records.change(() -> {
                    DomainRecord primary = services.adopted(await(records.requirePrimary(domain)));
                    checkLocalPartFree(primary.getName(), localPart);
                    AddressRecord record = newAddress(primary.getName(), localPart, hash,
                            AddressRecords.toRecord(type));
                    StoreBatch batch = new StoreBatch().put(MailboxFamilies.DIRECTORY, addressKey(domain, localPart),
                            record.toByteArray());
                    services.countAddresses(primary, 1, batch);
                    records.commit(batch);
                    return AddressRecords.address(record);
                }));
    }

    AddressRecord newAddress(String domain, String localPart, String passwordHash, AddressType type) {
        return AddressRecord.newBuilder()
                .setLocalPart(localPart)
                .setDomain(domain)
                .setPasswordHash(passwordHash)
                .setCreatedEpochMillis(clock.millis())
                // the time, not 0: an address deleted and created again must not start below the
                // version its first life reached, which the nodes remember for a while
                .setPasswordVersion(clock.millis())
                .setType(type)
                .build();
    }

    /**
     * The address a client logs in as with this user name and password (SMTP AUTH, IMAP, POP3),
     * exactly as created, and which credential the password is: its own or an app password ({@link
     * AppPasswords#select}). Disabled or not: a disabled one is for the caller to refuse, naming
     * why, which only the password's owner learns. Empty for anything else, after the same one
     * hash whatever the reason (a user name that is no address, an unknown address, a wrong
     * password), so that neither the answer nor its timing tells a guesser which addresses exist.
     * The hash is checked on the password-hashing threads.
     */
    public CompletionStage<Optional<Login>> authenticate(String username, String password) {
        CompletionStage<Optional<AddressRecord>> record;
        try {
            EmailAddress address = EmailAddress.parse(username, true);
            record = records.address(address.domain(), address.localPart());
        } catch (AddressSyntaxException e) {
            record = CompletableFuture.completedFuture(Optional.empty());
        }
        return record.thenCompose(found -> {
            Optional<AppPasswords.Selected> selected = found.map(address -> AppPasswords.select(address, password));
            return passwords.matches(selected.map(AppPasswords.Selected::password).orElse(password),
                    selected.flatMap(AppPasswords.Selected::hash)).thenApply(matches -> matches
                            ? found.map(address -> new Login(AddressRecords.address(address),
                                    selected.get().credential()))
                            : Optional.empty());
        });
    }

    /** A local part is taken by an address or an alias: one may not shadow the other (SPEC 2). */
    void checkLocalPartFree(String domain, String localPart) {
        await(records.address(domain, localPart)).ifPresent(existing -> {
            throw conflict("address " + existing.getLocalPart() + "@" + domain + " exists already");
        });
        await(records.alias(domain, localPart)).ifPresent(alias -> {
            throw conflict(alias.getLocalPart() + "@" + domain + " is an alias of " + alias.getTarget() + "@" + domain);
        });
    }

    /**
     * Removes the address, its aliases, its Sieve scripts, and the domain's catch-all if it was this address; its
     * mailbox is purged by {@link Mailboxes#purge}.
     */
    public CompletionStage<EmailAddress> deleteAddress(String domain, String localPart) {
        return records.change(() -> {
            DomainRecord owner = services.adopted(await(records.requirePrimary(domain)));
            AddressRecord record = await(records.address(domain, localPart))
                    .orElseThrow(() -> notFound("no address " + localPart + "@" + domain));
            StoreBatch batch = new StoreBatch().delete(MailboxFamilies.DIRECTORY, addressKey(domain, localPart));
            record.getAliasesList().forEach(alias -> batch.delete(MailboxFamilies.DIRECTORY, aliasKey(domain, alias)));
            AppPasswords.deleteUses(record, batch);
            AddressSieve.deleteAll(batch, new EmailAddress(record.getLocalPart(), record.getDomain()));
            services.countAddresses(owner, -1, batch);
            if (owner.getCatchAll().equalsIgnoreCase(localPart)) {
                batch.put(MailboxFamilies.DIRECTORY, domainKey(domain),
                        owner.toBuilder().clearCatchAll().build().toByteArray());
            }
            records.commit(batch);
            return new EmailAddress(record.getLocalPart().toLowerCase(Locale.ROOT), record.getDomain());
        });
    }

    /**
     * A new password for an address not encrypted at rest ({@link AddressEncryption#changePassword}).
     * The app passwords stay, and so do their sessions: only the admin API makes them, so whoever
     * knew the old password cannot have made one.
     */
    public CompletionStage<Address> changePassword(EmailAddress address, String password) {
        return changePassword(address, password, Optional.empty(), false);
    }

    /**
     * A new password, hashed on the hashing threads first; for an address encrypted at rest, its
     * secret key wrapped again under it ({@link AddressEncryption#changePassword}).
     */
    public CompletionStage<Address> changePassword(EmailAddress address, String password, Optional<String> oldPassword,
            boolean discardEncryptedMail) {
        return encryption.changePassword(address, password, oldPassword, discardEncryptedMail);
    }

    /**
     * {@code listener} hears of every password changed and app password revoked through this node,
     * once it is written.
     */
    public void onCredentialChanged(Consumer<CredentialChange> listener) {
        passwordChanges.add(listener);
    }

    /** A disabled address refuses mail at RCPT and keeps what it has. */
    public CompletionStage<Address> setDisabled(EmailAddress address, boolean disabled) {
        return changeAddress(address, record -> record.setDisabled(disabled));
    }

    /** The zone responder dates and weekdays are read in (an IANA zone id such as Europe/Paris). */
    public CompletionStage<Address> setTimeZone(EmailAddress address, String zone) {
        return changeAddress(address, record -> {
            try {
                return record.setTimeZone(ZoneId.of(zone).getId());
            } catch (DateTimeException e) {
                throw invalid("time zone '" + zone + "' is not a zone id such as UTC or Europe/Paris");
            }
        });
    }

    private CompletionStage<Address> changeAddress(EmailAddress address, UnaryOperator<AddressRecord.Builder> edit) {
        return records.changeAddress(address, edit).thenApply(AddressRecords::address);
    }

    /** Calls {@code listener} after every change this node writes (see {@link DirectoryChanges}). */
    public void onChangeWritten(Runnable listener) {
        records.onChangeWritten(listener);
    }

    /** Another node changed the directory: nothing cached before is served again. */
    public void forgetCached() {
        records.forgetCached();
    }

    @Override
    public void close() {
        records.close();
        passwords.close();
        encryptionThreads.shutdown();
    }
}
