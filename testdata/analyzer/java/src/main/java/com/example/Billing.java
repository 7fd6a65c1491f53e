package com.example;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.net.Webhook;
import software.amazon.awssdk.services.sts.*;
import org.springframework.beans.factory.annotation.Value;
import java.util.Map;

public class Billing {
    @Value("${SENDGRID_API_KEY}")
    private String sendgridKey;

    @Value("${APP_NAME:billing}")
    private String appName;

    public StripeClient client() {
        Stripe.apiKey = System.getenv("STRIPE_SECRET_KEY");
        return new StripeClient(System.getenv().getOrDefault("PAYMENTS_KEY", "sk_test"));
    }

    public void sts() {
        StsClient sts = StsClient.create();
        String region = System.getenv("AWS_REGION");
    }
}
