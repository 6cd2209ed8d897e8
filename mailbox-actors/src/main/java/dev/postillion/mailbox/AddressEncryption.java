package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.conflict;
import static dev.postillion.mailbox.DirectoryException.forbidden;

import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.encryption.MailEncryption;
import dev.postillion.mailbox.encryption.MailboxKey;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.EncryptionRecord;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Encryption at rest of addresses (SPEC section 7), and the password changes it takes part in.
 * The address's key pair is in its record ({@code EncryptionRecord}), shared by the cluster's
 * nodes as the rest of the directory; its secret key is wrapped under the address's password, so
 * that turning encryption on, logging in to read and changing the password each need the
 * password the user knows, never anything the operator holds.
 */
public final class AddressEncryption {

    private final DirectoryStore records;
    private final Passwords passwords;
    private final PasswordChanges passwordChanges;
    private final MailEncryption crypto;
    private final Clock clock;

    AddressEncryption(DirectoryStore records, Passwords passwords, PasswordChanges passwordChanges,
            MailEncryption crypto, Clock clock) {
        this.records = records;
        this.passwords = passwords;
        this.passwordChanges = passwordChanges;
        this.crypto = crypto;
        this.clock = clock;
    }

    /** The node's encryption work (its threads): mailboxes encrypt, readers decrypt through it. */
    public MailEncryption crypto() {
        return crypto;
    }

    /**
     * Turns encryption at rest on for the address, with a new key pair whose secret key is
     * wrapped under {@code password}, which must be the address's own: the user turns it on
     * (their provider's account page sends the password they typed), the operator cannot.
     * Mail stored from then on is encrypted; mail stored before stays as it is.
     */
    public CompletionStage<Address> enable(EmailAddress address, String password) {
        return records.requireAddress(address).thenCompose(record -> {
            if (record.hasEncryption()) {
                throw conflict(address + " is encrypted at rest already");
            }
            return checkPassword(record, password, "password")
                    .thenCompose(checked -> crypto.newKeys(address.key(), password, clock.millis()));
        }).thenCompose(keys -> records.changeAddress(address, record -> {
            if (record.hasEncryption()) {
                throw conflict(address + " is encrypted at rest already");
            }
            return record.setEncryption(keys);
        })).thenApply(AddressRecords::address);
    }

    /**
     * The address's secret key, unwrapped with the password its owner logged in with (IMAP, POP3);
     * empty when the address is not encrypted, or the password no longer unwraps it.
     */
    public CompletionStage<Optional<MailboxKey>> unlock(EmailAddress address, String password) {
        return records.address(address.domain(), address.localPart()).thenCompose(record -> record
                .filter(AddressRecord::hasEncryption)
                .map(found -> crypto.unlock(found.getEncryption(), password, address.key()))
                .orElse(CompletableFuture.completedFuture(Optional.empty())));
    }

    /**
     * Gives the address a new password (the same strength rules as at creation) and counts the
     * change in its password version; once written, the listeners of credential changes hear of
     * it, so that every login made with the old password ends (app passwords and their sessions stay). For an address encrypted at rest the
     * secret key is wrapped again under the new password, which needs the old one
     * ({@code oldPassword}); without it the stored mail would become unreadable, so the change is
     * refused (CONFLICT, saying so) unless {@code discardEncryptedMail} confirms it, and then the
     * address gets a new key pair: its mail from before can never be read again.
     */
    CompletionStage<Address> changePassword(EmailAddress address, String password, Optional<String> oldPassword,
            boolean discardEncryptedMail) {
        return records.requireAddress(address)
                .thenCompose(record -> passwords.hash(password, record.getLocalPart())
                        .thenCombine(keysFor(record, address, password, oldPassword, discardEncryptedMail),
                                (hash, keys) -> records.changeAddress(address, changed -> {
                                    if (!changed.getEncryption().equals(record.getEncryption())) {
                                        throw conflict("the encryption of " + address
                                                + " changed at the same time; try again");
                                    }
                                    keys.ifPresent(changed::setEncryption);
                                    return changed.setPasswordHash(hash).setPasswordVersion(
                                            Math.max(changed.getPasswordVersion() + 1, clock.millis()));
                                })))
                .thenCompose(change -> change)
                .thenApply(AddressRecords::address)
                .thenApply(changed -> {
                    passwordChanges.announce(new CredentialChange(changed.mailbox(),
                            Credential.password(changed.passwordVersion())));
                    return changed;
                });
    }

    /** The keys the address has after the change: empty when it is not encrypted. */
    private CompletionStage<Optional<EncryptionRecord>> keysFor(AddressRecord record, EmailAddress address,
            String password, Optional<String> oldPassword, boolean discardEncryptedMail) {
        if (!record.hasEncryption()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (oldPassword.isPresent()) {
            return crypto.rewrap(record.getEncryption(), oldPassword.get(), password, address.key())
                    .thenApply(rewrapped -> Optional.of(rewrapped.orElseThrow(() -> forbidden(
                            "oldPassword is not the password " + address + "'s key is wrapped under"))));
        }
        if (!discardEncryptedMail) {
            throw conflict(address + " is encrypted at rest: without its old password (\"oldPassword\") the mail"
                    + " stored so far can never be read again. Send \"oldPassword\" to keep it, or"
                    + " \"discardEncryptedMail\": true to change the password with a new key pair and lose it");
        }
        return crypto.newKeys(address.key(), password, clock.millis()).thenApply(Optional::of);
    }

    /** Completes when {@code password} is the address's; fails FORBIDDEN, naming {@code field}, otherwise. */
    private CompletionStage<Void> checkPassword(AddressRecord record, String password, String field) {
        return passwords.matches(password, Optional.of(record.getPasswordHash())).thenAccept(matches -> {
            if (!matches) {
                throw forbidden(field + " is not the password of " + record.getLocalPart() + "@" + record.getDomain());
            }
        });
    }
}
