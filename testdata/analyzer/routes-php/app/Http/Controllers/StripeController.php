<?php

namespace App\Http\Controllers;

use Stripe\Webhook;

class StripeController
{
    public function handle($request)
    {
        $event = Webhook::constructEvent($request->getContent(), $request->header('Stripe-Signature'), env('STRIPE_WEBHOOK_SECRET'));
        switch ($event->type) {
            case 'checkout.session.completed':
                break;
        }
        return response('ok');
    }
}
