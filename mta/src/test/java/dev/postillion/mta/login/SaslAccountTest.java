package dev.postillion.mta.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The account an AUTH user name counts against in the throttle. */
class SaslAccountTest {

    /** Every spelling of an address counts against the one account, so none gets a count of its own. */
    @Test
    void everySpellingOfAnAddressIsOneAccount() {
        String account = SaslAuthenticator.account("quoted@submit.test");
        assertEquals(account, SaslAuthenticator.account("\"quoted\"@submit.test"));
        assertEquals(account, SaslAuthenticator.account("QUOTED@Submit.Test"));
        assertEquals(account, SaslAuthenticator.account("\"qu\\oted\"@submit.test"));
    }

    @Test
    void everyNameThatIsNoAddressSharesOneAccount() {
        assertEquals(SaslAuthenticator.account("anna"), SaslAuthenticator.account("not an address"));
    }
}
