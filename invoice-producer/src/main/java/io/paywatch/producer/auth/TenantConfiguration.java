package io.paywatch.producer.auth;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * One tenant under {@code paywatch.tenants.<id>}: the SHA-256 of its API key (never the key itself), its
 * default payment terms, and the shared secrets of the webhooks it receives. Secrets that an HMAC needs in
 * the clear (Stripe, QuickBooks, Xero) should come from environment variables, never from a committed file.
 */
@EachProperty("paywatch.tenants")
public class TenantConfiguration {

    private final String tenantId;
    private String apiKeySha256;
    private int defaultTermsDays = 30;
    private String stripeEndpointSecret;
    private String quickbooksVerifierToken;
    private String xeroWebhookKey;
    private String timezone;

    public TenantConfiguration(@Parameter String tenantId) {
        this.tenantId = tenantId;
    }

    /** The tenant id, taken from the configuration key. */
    public String getTenantId() {
        return tenantId;
    }

    /** Hex SHA-256 of the API key: {@code printf '%s' "$KEY" | sha256sum}. */
    @Nullable
    public String getApiKeySha256() {
        return apiKeySha256;
    }

    public void setApiKeySha256(@Nullable String apiKeySha256) {
        this.apiKeySha256 = apiKeySha256;
    }

    /** Payment terms used when an invoice carries neither due date nor terms. */
    public int getDefaultTermsDays() {
        return defaultTermsDays;
    }

    public void setDefaultTermsDays(int defaultTermsDays) {
        this.defaultTermsDays = defaultTermsDays;
    }

    /** Stripe endpoint signing secret (whsec_...). */
    @Nullable
    public String getStripeEndpointSecret() {
        return stripeEndpointSecret;
    }

    public void setStripeEndpointSecret(@Nullable String stripeEndpointSecret) {
        this.stripeEndpointSecret = stripeEndpointSecret;
    }

    /** QuickBooks Online webhook verifier token. */
    @Nullable
    public String getQuickbooksVerifierToken() {
        return quickbooksVerifierToken;
    }

    public void setQuickbooksVerifierToken(@Nullable String quickbooksVerifierToken) {
        this.quickbooksVerifierToken = quickbooksVerifierToken;
    }

    /** Xero webhook signing key. */
    @Nullable
    public String getXeroWebhookKey() {
        return xeroWebhookKey;
    }

    public void setXeroWebhookKey(@Nullable String xeroWebhookKey) {
        this.xeroWebhookKey = xeroWebhookKey;
    }

    /**
     * IANA zone used for this tenant's plain dates and terms until the tenant saves settings with a timezone
     * ({@code PUT /v1/settings}); null means UTC, the contract's default. See {@code TenantZones}.
     */
    @Nullable
    public String getTimezone() {
        return timezone;
    }

    public void setTimezone(@Nullable String timezone) {
        this.timezone = timezone;
    }

    @Override
    public String toString() {
        // Secrets are deliberately left out so that a logged configuration never leaks them.
        return "Tenant[" + tenantId + ", defaultTermsDays=" + defaultTermsDays + "]";
    }
}
