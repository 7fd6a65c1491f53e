<?php

return [
    'paths' => ['api/*', 'sanctum/csrf-cookie'],
    'allowed_methods' => ['*'],
    'allowed_origins' => ['https://store.example.com', 'https://admin.store.example.com', '*'],
    'allowed_origins_patterns' => ['https://*.store.example.com'],
    'supports_credentials' => true,
];
