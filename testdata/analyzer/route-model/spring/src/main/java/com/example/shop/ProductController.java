package com.example.shop;

import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/products")
public class ProductController {
    @GetMapping("/{id}")
    public String get(@PathVariable String id) { return id; }

    @DeleteMapping("/{id}")
    public void delete(@PathVariable String id) {}
}
