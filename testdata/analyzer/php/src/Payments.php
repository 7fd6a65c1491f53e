<?php

namespace App;

use Stripe\StripeClient;
use Twilio\Rest\Client as TwilioClient;
use Aws\S3\S3Client;

require_once __DIR__ . '/../vendor/autoload.php';

class Payments
{
    public function client(): StripeClient
    {
        return new StripeClient(getenv('STRIPE_SECRET_KEY'));
    }

    public function sms(): TwilioClient
    {
        return new TwilioClient(env('TWILIO_ACCOUNT_SID'), $_ENV['TWILIO_AUTH_TOKEN'] ?? '');
    }

    public function storage(): S3Client
    {
        $host = $_SERVER['HTTP_HOST'];
        return new \Aws\S3\S3Client(['region' => env('AWS_DEFAULT_REGION', 'us-east-1')]);
    }

    public function webhook($payload, $sig)
    {
        return \Stripe\Webhook::constructEvent($payload, $sig, $_SERVER["STRIPE_WEBHOOK_SECRET"]);
    }
}
