package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.conflict;
import static dev.postillion.mailbox.DirectoryException.invalid;
import static dev.postillion.mailbox.DirectoryException.notFound;
import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.DomainName;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AppPasswordRecord;
import dev.postillion.mailbox.proto.AppPasswordUse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app passwords of addresses (SPEC section 1): named passwords for phones and sync tools, each
 * logging in as the address over SMTP AUTH, IMAP and POP3, revocable one by one. They are kept on
 * the address's record, hashed as its password is ({@link Passwords}), so a cluster shares them
 * through the store and deleting the address deletes them.
 *
 * <p>A generated app password is five groups of four characters, {@code id-xxxx-xxxx-xxxx-xxxx}:
 * the first group is its id, unique among the address's app passwords and stored in clear, so
 * that a login checks the one hash it names instead of one hash per app password (Argon2id costs
 * tens of milliseconds of a core each). A login whose password names no app password checks the
 * address's own password: every login, right or wrong, costs exactly one hash, and its timing
 * tells nothing of which app passwords exist. The other sixteen characters are the secret, about
 * 79 bits from {@link SecureRandom}, far beyond guessing even at a fast hash's speed.
 *
 * <p>The alphabet is lower-case letters and digits without {@code 0 1 i l o}, so that a password
 * read off a screen and typed on a phone's keyboard cannot be mistyped for a look-alike; a login
 * takes it in either case and with spaces for dashes, as phones capitalise and users retype.
 */
public final class AppPasswords {

    private static final Logger log = LoggerFactory.getLogger(AppPasswords.class);

    private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final int GROUPS = 5;
    private static final int GROUP_LENGTH = 4;
    /** Offered passwords of this form are app passwords; the address's own may not have it. */
    private static final Pattern FORM = Pattern.compile("([" + ALPHABET + "]{4})(?:[- ][" + ALPHABET + "]{4}){4}",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_NAME_LENGTH = 64;
    /** Last use is written at most this often per app password and node: not one write per login. */
    private static final Duration USE_RECORDED_EVERY = Duration.ofMinutes(1);
    private static final int USES_REMEMBERED = 100_000;

    private final SecureRandom random = new SecureRandom();
    private final DirectoryStore records;
    private final Passwords passwords;
    private final PasswordChanges changes;
    private final int maxAppPasswords;
    /** When this node last recorded an app password's use, by address and id. */
    private final Map<String, Long> recorded = new ConcurrentHashMap<>();

    AppPasswords(DirectoryStore records, Passwords passwords, PasswordChanges changes, int maxAppPasswords) {
        this.records = records;
        this.passwords = passwords;
        this.changes = changes;
        this.maxAppPasswords = maxAppPasswords;
    }

    /**
     * A new app password named {@code name}; its password is in the answer and nowhere else. It is
     * hashed on the hashing threads before the directory's writer stores it.
     */
    public CompletionStage<AppPassword.Created> create(EmailAddress address, String name) {
        return CompletableFuture.runAsync(() -> checkName(name), Runnable::run)
                .thenCompose(checked -> records.requireAddress(address))
                .thenApply(this::generate)
                .thenCompose(password -> passwords.hashGenerated(password)
                        .thenCompose(hash -> records.change(() -> store(address, name, password, hash))));
    }

    /** On the writer thread: the cap, the name and the id are checked on the record as it is now. */
    private AppPassword.Created store(EmailAddress address, String name, String password, String hash) {
        AddressRecord record = await(records.requireAddress(address));
        if (record.getAppPasswordsCount() >= maxAppPasswords) {
            throw invalid(address + " has " + maxAppPasswords + " app passwords, the most an address may have;"
                    + " revoke one first");
        }
        if (find(record, name).isPresent()) {
            throw conflict(address + " has an app password named '" + name + "' already");
        }
        if (idTaken(record, id(password))) {
            // Another one was made meanwhile with the same id: one chance in about a million.
            throw conflict("an app password of " + address + " was made at the same time; try again");
        }
        AppPasswordRecord created = AppPasswordRecord.newBuilder().setName(name).setId(id(password)).setHash(hash)
                .setCreatedEpochMillis(records.clock().millis()).build();
        records.saveAddress(record.toBuilder().addAppPasswords(created));
        return new AppPassword.Created(appPassword(created, Optional.empty()), password);
    }

    /** The address's app passwords, oldest first, with their last use. */
    public CompletionStage<List<AppPassword>> list(EmailAddress address) {
        return records.requireAddress(address).thenCompose(record -> {
            byte[] prefix = usePrefix(record);
            return records.prefix(prefix, DirectoryStore.LIST_LIMIT).thenApply(entries -> {
                Map<String, AppPasswordUse> uses = new HashMap<>();
                entries.forEach(entry -> uses.put(new String(entry.key(), prefix.length,
                        entry.key().length - prefix.length, StandardCharsets.UTF_8),
                        DirectoryStore.parse(AppPasswordUse::parseFrom, entry.value())));
                return record.getAppPasswordsList().stream()
                        .map(app -> appPassword(app, Optional.ofNullable(uses.get(app.getId()))
                                .filter(use -> use.getCreatedEpochMillis() == app.getCreatedEpochMillis())))
                        .toList();
            });
        });
    }

    /**
     * Revokes the app password: it no longer logs in, and every session that logged in with it
     * ends, on every node ({@link Directory#onCredentialChanged}); NOT_FOUND for an unknown name.
     */
    public CompletionStage<Void> revoke(EmailAddress address, String name) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            AppPasswordRecord revoked = find(record, name)
                    .orElseThrow(() -> notFound(address + " has no app password named '" + name + "'"));
            AddressRecord changed = record.toBuilder().removeAppPasswords(record.getAppPasswordsList().indexOf(revoked))
                    .build();
            records.commit(new StoreBatch()
                    .put(MailboxFamilies.DIRECTORY, DirectoryStore.addressKey(changed.getDomain(),
                            changed.getLocalPart()), changed.toByteArray())
                    .delete(MailboxFamilies.DIRECTORY, useKey(record, revoked.getId())));
            return revoked;
        }).thenAccept(revoked -> changes.announce(new CredentialChange(address,
                // Sessions of this id made with it end; one created later with the same id stays.
                new Credential(revoked.getId(), revoked.getName(), revoked.getCreatedEpochMillis() + 1))));
    }

    /**
     * Records that {@code login} logged in over {@code protocol}, when it was an app password whose
     * use this node did not record in the last minute. Not a directory change: written straight to
     * the store, and a failure only logged, as a login must not fail for its bookkeeping.
     *
     * @return completed once the use is written, or at once when there is nothing to write
     */
    public CompletionStage<Void> used(Login login, AppPassword.Protocol protocol) {
        Credential credential = login.credential();
        long now = records.clock().millis();
        if (!credential.isAppPassword() || !due(login.address().mailbox().key() + " " + credential.key(), now)) {
            return CompletableFuture.completedFuture(null);
        }
        AppPasswordUse use = AppPasswordUse.newBuilder().setCreatedEpochMillis(credential.version())
                .setUsedEpochMillis(now).setProtocol(protocol.label()).build();
        return records.writeApart(new StoreBatch().put(MailboxFamilies.DIRECTORY,
                useKey(login.address().domain(), login.address().localPart(), credential.key()), use.toByteArray()))
                .exceptionally(error -> {
                    log.warn("the last use of an app password of {} is not recorded: {}", login.address().mailbox(),
                            error.toString());
                    return null;
                });
    }

    /** Whether a use is to be written now, noting it if so; forgets uses over a minute old when many. */
    private boolean due(String appPassword, long now) {
        long every = USE_RECORDED_EVERY.toMillis();
        if (recorded.size() > USES_REMEMBERED) {
            recorded.values().removeIf(last -> now - last >= every);
        }
        boolean[] due = {false};
        recorded.compute(appPassword, (key, last) -> {
            due[0] = last == null || now - last >= every;
            return due[0] ? now : last;
        });
        return due[0];
    }

    /**
     * The hash a login with {@code offered} checks, and the credential it is: the app password the
     * offered one's id names, else the address's own password (empty when it has none).
     */
    static Selected select(AddressRecord record, String offered) {
        Matcher form = FORM.matcher(offered);
        if (form.matches()) {
            String id = form.group(1).toLowerCase(Locale.ROOT);
            for (AppPasswordRecord app : record.getAppPasswordsList()) {
                if (app.getId().equals(id)) {
                    return new Selected(Optional.of(app.getHash()), canonical(offered),
                            new Credential(id, app.getName(), app.getCreatedEpochMillis()));
                }
            }
        }
        return new Selected(Optional.of(record.getPasswordHash()).filter(hash -> !hash.isEmpty()), offered,
                Credential.password(record.getPasswordVersion()));
    }

    /** What a login checks: {@code password} (in canonical form for an app password) against {@code hash}. */
    record Selected(Optional<String> hash, String password, Credential credential) {}

    /** Whether {@code password} has the form of an app password, which an address's own may not have. */
    static boolean hasTheirForm(String password) {
        return FORM.matcher(password).matches();
    }

    /** The use records of {@code address}'s app passwords, deleted with it. */
    static void deleteUses(AddressRecord address, StoreBatch batch) {
        address.getAppPasswordsList().forEach(app -> batch.delete(MailboxFamilies.DIRECTORY,
                useKey(address, app.getId())));
    }

    private String generate(AddressRecord address) {
        String password;
        do {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < GROUPS * GROUP_LENGTH; i++) {
                if (i > 0 && i % GROUP_LENGTH == 0) {
                    text.append('-');
                }
                text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            password = text.toString();
        } while (idTaken(address, id(password)));
        return password;
    }

    private static boolean idTaken(AddressRecord address, String id) {
        return address.getAppPasswordsList().stream().anyMatch(app -> app.getId().equals(id));
    }

    private static String id(String password) {
        return password.substring(0, GROUP_LENGTH);
    }

    /** The app password as generated: lower case, dashes between the groups. */
    private static String canonical(String offered) {
        return offered.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    private static void checkName(String name) {
        if (name.isBlank()) {
            throw invalid("name of an app password may not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid("name of an app password must be at most " + MAX_NAME_LENGTH + " characters long");
        }
        if (!name.strip().equals(name)) {
            throw invalid("name of an app password may not start or end with a space");
        }
        name.codePoints().filter(c -> !printable(c)).findFirst().ifPresent(c -> {
            throw invalid(String.format("name of an app password may not contain U+%04X: only printable characters",
                    c));
        });
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR;
    }

    private static Optional<AppPasswordRecord> find(AddressRecord record, String name) {
        return record.getAppPasswordsList().stream().filter(app -> app.getName().equalsIgnoreCase(name)).findFirst();
    }

    private static AppPassword appPassword(AppPasswordRecord app, Optional<AppPasswordUse> use) {
        return new AppPassword(app.getName(), Instant.ofEpochMilli(app.getCreatedEpochMillis()),
                use.map(last -> new AppPassword.Use(Instant.ofEpochMilli(last.getUsedEpochMillis()),
                        AppPassword.Protocol.valueOf(last.getProtocol().toUpperCase(Locale.ROOT)))));
    }

    /** {@code app-password-use/<domain>/<local part>/}, lower case, the domain in A-labels. */
    private static String usePrefix(String domain, String localPart) {
        return "app-password-use/" + DomainName.key(domain) + "/" + localPart.toLowerCase(Locale.ROOT) + "/";
    }

    private static byte[] usePrefix(AddressRecord address) {
        return usePrefix(address.getDomain(), address.getLocalPart()).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] useKey(AddressRecord address, String id) {
        return useKey(address.getDomain(), address.getLocalPart(), id);
    }

    private static byte[] useKey(String domain, String localPart, String id) {
        return (usePrefix(domain, localPart) + id).getBytes(StandardCharsets.UTF_8);
    }
}
