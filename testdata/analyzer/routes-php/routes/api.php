<?php

use App\Http\Controllers\StripeController;
use Illuminate\Support\Facades\Route;

Route::post('/webhooks/stripe', [StripeController::class, 'handle']);
