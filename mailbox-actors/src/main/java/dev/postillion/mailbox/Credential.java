package dev.postillion.mailbox;

/**
 * What a login was made with: the address's password, or one of its app passwords. A change of
 * the password, or the revocation of an app password, ends the logins made with the same {@code
 * key} at a lower {@code version} ({@link Directory#onCredentialChanged}), and only those.
 *
 * @param key empty for the address's password, else the app password's id (the first group of
 *     the generated password)
 * @param appPassword the app password's name; empty for the address's password
 * @param version the password's version ({@link Address#passwordVersion()}), or the app
 *     password's creation time in epoch milliseconds
 */
public record Credential(String key, String appPassword, long version) {

    /** The address's password at {@code version}. */
    public static Credential password(long version) {
        return new Credential("", "", version);
    }

    public boolean isAppPassword() {
        return !key.isEmpty();
    }
}
